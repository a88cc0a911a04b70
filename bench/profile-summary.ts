// `npx tsx bench/profile-summary.ts FILE.cpuprofile`: self time of a V8 CPU profile grouped by where the
// code lives (Odock's rooms, each dependency, node internals, GC, idle), to see where a request's time goes.
import { readFileSync } from 'node:fs';

type Node = { id: number; callFrame: { functionName: string; url: string }; hitCount?: number };
const p = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));

function group(n: Node): string {
  const { url, functionName } = n.callFrame;
  if (!url) return functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)' ? functionName : `(native) ${functionName || 'anonymous'}`;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[1] ?? url.slice(5)}`;
  const src = /\/src\/([^/]+)\//.exec(url);
  if (src) return `odock src/${src[1]}`;
  return url.split('/').slice(-1)[0];
}
const totals = new Map<string, number>();
let all = 0;
for (const [id, t] of self) {
  const g = group(byId.get(id)!);
  totals.set(g, (totals.get(g) ?? 0) + t);
  all += t;
}
const busy = all - (totals.get('(idle)') ?? 0);
console.log(`| where | share of busy time |\n|---|---:|`);
for (const [g, t] of [...totals].filter(([g]) => g !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 25))) console.log(`| ${g} | ${((100 * t) / busy).toFixed(1)} % |`);
