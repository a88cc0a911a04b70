// `npx tsx bench/ab.ts [A.mjs] [B.mjs]`: the floor and one or two Odock server bundles (default: the one
// `npm run bench` builds) under the same closed-loop load, interleaved round by round (AB_ROUNDS, default
// 3, of SECONDS, default 5, each; STREAM=1 for SSE), so a change is measured against the floor and against
// the code before it in one run on one machine. Prints each round and the median req/s and ratio to the floor, and
// the CPU time each proxy process used per request (all its threads): on a machine whose cores the load generator and
// the upstream share, throughput follows what each request costs in CPU, and this figure is steadier than req/s.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBenchBundle } from './bench-bundle.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.AB_ROUNDS ?? 3);
const SECONDS = process.env.SECONDS ?? '5';
const STREAM = process.env.STREAM ?? '0';

function start(file: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; msg: any }> {
  const child = fork(file, [], { execArgv: file.endsWith('.mjs') ? [] : ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((res, rej) => {
    child.once('message', (msg) => res({ child, msg }));
    child.once('exit', (code) => rej(new Error(`${file} exited (${code}) before it was ready`)));
  });
}
/** CPU time (user + system, every thread) a process has used, in µs (Linux /proc; clock ticks of 10 ms). */
const cpuUs = (pid: number | undefined): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
};
const ask = (child: ChildProcess, cmd: string) => new Promise<any>((res) => {
  child.once('message', res);
  child.send({ cmd });
});

const bundles = process.argv.slice(2).map((f) => resolve(f));
if (bundles.length === 0) bundles.push(await buildBenchBundle());
const children: ChildProcess[] = [];
try {
  const up = await start(join(here, 'upstream.ts'));
  children.push(up.child);
  const upstream = `http://127.0.0.1:${up.msg.port}`;
  const floor = await start(join(here, 'floor.ts'), { UPSTREAM: upstream });
  children.push(floor.child);
  const targets: { name: string; url: string; key?: string; child?: ChildProcess }[] = [{ name: 'floor', url: `http://127.0.0.1:${floor.msg.port}/v1/chat/completions`, child: floor.child }];
  for (const [i, b] of bundles.entries()) {
    const od = await start(b, { UPSTREAM: upstream });
    children.push(od.child);
    targets.push({ name: bundles.length > 1 ? `odock ${'AB'[i]}` : 'odock', url: `http://127.0.0.1:${od.msg.port}/v1/chat/completions`, key: od.msg.key, child: od.child });
  }
  const rps: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  const cpus: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of targets) {
      if (t.child) await ask(t.child, 'eld-reset');
      const cpu0 = cpuUs(t.child?.pid);
      const lg = await start(join(here, 'loadgen.ts'), { TARGET: t.url, KEY: t.key ?? 'sk-bench', SECONDS, STREAM, WARMUP: '0' });
      // The whole load (no warm-up), so the CPU time and the requests counted cover the same window.
      const cpu = (cpuUs(t.child?.pid) - cpu0) / lg.msg.requests;
      const eld = t.child ? await ask(t.child, 'eld') : undefined;
      rps[t.name].push(lg.msg.rps);
      cpus[t.name].push(cpu);
      console.log(`round ${r + 1} ${t.name}: ${lg.msg.rps.toFixed(0)} req/s, p99 ${lg.msg.p99.toFixed(1)} ms, ${cpu.toFixed(0)} µs CPU per request${eld ? `, event-loop delay p99 ${eld.p99.toFixed(1)} ms` : ''}`);
    }
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const f = median(rps.floor);
  for (const t of targets) console.log(`${t.name}: median ${median(rps[t.name]).toFixed(0)} req/s, ${(median(rps[t.name]) / f).toFixed(2)} of the floor, ${median(cpus[t.name]).toFixed(0)} µs CPU per request`);
} finally {
  for (const c of children) c.kill();
}
process.exit(0);
