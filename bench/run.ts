// `npm run bench`: direct vs floor vs Odock vs the Portkey gateway, JSON and SSE chat, in one run:
// closed loop at CONNECTIONS (default 50), one request at a time, and an open loop at a fixed rate of
// half the floor's maximum. Writes bench/reports/latest.md and a dated JSON. Not a pass/fail test.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, totalmem } from 'node:os';
import { buildBenchBundle } from './bench-bundle.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const SECONDS = Number(process.env.SECONDS ?? 10);
const WITH_PORTKEY = process.env.BENCH_PORTKEY !== '0';
// The closed-loop load runs in rounds, every target once per round, and each target's median round is
// reported: this machine's speed drifts by tens of per cent over minutes, and a single window per
// target would hand that drift to whichever target ran in a slow one.
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const ROUND_SECONDS = Math.max(3, Math.round(SECONDS / 2));

type Started = { child: ChildProcess; msg: any };
// Whatever ends this run (a target that fails to start included), no server it started is left running.
const started: ChildProcess[] = [];
process.once('exit', () => {
  for (const c of started) if (c.exitCode === null) c.kill('SIGTERM');
});
function start(file: string, env: Record<string, string> = {}): Promise<Started> {
  const bundled = file.endsWith('.mjs');
  const child = fork(join(here, file), [], { execArgv: bundled ? [] : ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  started.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (msg) => resolve({ child, msg }));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

interface Result { requests: number; rps: number; p50: number; p99: number; p999: number; errors: number; eld?: { p50: number; p99: number; max: number; queued?: number; heapMb?: number } }

function load(target: string, o: { stream: boolean; key?: string; headers?: Record<string, string>; concurrency?: number; rate?: number; seconds?: number }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'loadgen.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env, TARGET: target, STREAM: o.stream ? '1' : '0', CONCURRENCY: String(o.concurrency ?? CONNECTIONS), RATE: String(o.rate ?? 0),
        SECONDS: String(o.seconds ?? SECONDS), HEADERS: JSON.stringify(o.headers ?? {}), ...(o.key ? { KEY: o.key } : {}),
      },
    });
    child.once('message', resolve);
    child.once('exit', (code) => code && reject(new Error(`loadgen exited ${code}`)));
  });
}

function ask(t: Started, cmd: string): Promise<any> {
  return new Promise((resolve) => {
    t.child.once('message', resolve);
    t.child.send({ cmd });
  });
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** A process and its children (the primary and its workers): the sum of their peaks. */
function treePeakRssMb(pid: number): number {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch { /* gone */ }
  return peakRssMb(pid) + children.reduce((sum, c) => sum + treePeakRssMb(c), 0);
}

// Odock runs bundled, as `npm start` runs it (no TypeScript loader in the measured process).
await buildBenchBundle();
const upstream = await start('upstream.ts');
const upstreamUrl = `http://127.0.0.1:${upstream.msg.port}`;
const floor = await start('floor.ts', { UPSTREAM: upstreamUrl });
const odock = await start('reports/odock-server.bundle.mjs', { UPSTREAM: upstreamUrl });
// ODOCK_WORKERS=auto (BENCH_WORKERS overrides): the server bundle as `npm start` runs it, started by a launcher.
const odockN = await start('odock-workers.ts', { UPSTREAM: upstreamUrl });
const workersName = `odock ${odockN.msg.workers} workers`;
const portkey = WITH_PORTKEY ? await start('portkey.ts') : undefined;

type Target = { name: string; url: string; key?: string; headers?: Record<string, string>; eld?: Started };
const targets: Target[] = [
  { name: 'direct', url: `${upstreamUrl}/chat/completions` },
  { name: 'floor', url: `http://127.0.0.1:${floor.msg.port}/v1/chat/completions`, eld: floor },
  { name: 'odock', url: `http://127.0.0.1:${odock.msg.port}/v1/chat/completions`, key: odock.msg.key, eld: odock },
  { name: workersName, url: `http://127.0.0.1:${odockN.msg.port}/v1/chat/completions`, key: odockN.msg.key },
  ...(portkey ? [{
    name: 'portkey', url: `http://127.0.0.1:${portkey.msg.port}/v1/chat/completions`,
    headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstreamUrl },
  }] : []),
];

async function measure(t: Target, o: Parameters<typeof load>[1]): Promise<Result> {
  if (t.eld) await ask(t.eld, 'eld-reset');
  const r = await load(t.url, { ...o, key: t.key, headers: t.headers });
  if (t.eld) r.eld = await ask(t.eld, 'eld');
  return r;
}

type Row = { mode: string; shape: string; target: string } & Result;
const rows: Row[] = [];
const roundRps: string[] = [];
for (const stream of [false, true]) {
  const mode = stream ? 'SSE' : 'JSON';
  const closed: Record<string, Result> = {};
  const rounds: Record<string, Result[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let r = 0; r < ROUNDS; r++) for (const t of targets) rounds[t.name]!.push(await measure(t, { stream, seconds: ROUND_SECONDS }));
  for (const t of targets) {
    const sorted = [...rounds[t.name]!].sort((x, y) => x.rps - y.rps);
    closed[t.name] = sorted[Math.floor(sorted.length / 2)]!;
    rows.push({ mode, shape: `${CONNECTIONS} connections`, target: t.name, ...closed[t.name]! });
    roundRps.push(`${mode} ${t.name}: ${rounds[t.name]!.map((x) => Math.round(x.rps)).join(', ')}`);
  }
  for (const t of targets) rows.push({ mode, shape: 'one at a time', target: t.name, ...(await measure(t, { stream, concurrency: 1, seconds: Math.max(3, SECONDS / 2) })) });
  const rate = Math.max(50, Math.round(closed.floor.rps / 2));
  for (const t of targets) rows.push({ mode, shape: `${rate} req/s`, target: t.name, ...(await measure(t, { stream, rate })) });
}
const usage = await ask(odock, 'usage-count');
const rss: Record<string, number> = { odock: peakRssMb(odock.child.pid!), [workersName]: treePeakRssMb(odockN.msg.pid), floor: peakRssMb(floor.child.pid!) };
if (portkey) rss.portkey = peakRssMb(portkey.msg.pid);
for (const c of [upstream.child, floor.child, odock.child, odockN.child, portkey?.child]) c?.kill('SIGTERM');

// Report.
const f = (n: number | undefined, d = 2) => (n !== undefined && Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const find = (mode: string, shape: string, target: string) => rows.find((r) => r.mode === mode && r.shape === shape && r.target === target)!;
const lines = [
  `# Odock benchmark — ${new Date().toISOString()}`,
  '',
  `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}; load generator on the same machine, in its own process.`,
  `Each run: ${SECONDS} s after a 2 s warm-up (one-at-a-time runs ${Math.max(3, SECONDS / 2)} s); the ${CONNECTIONS}-connection load runs in ${ROUNDS} rounds of ${ROUND_SECONDS} s, every target once per round, and each target's median round is shown (the rounds' req/s are listed below the tables). Latency to the last byte; open-loop latency counts from when a request was due.`,
  'Odock: embedded default (SQLite, in-process cache), auth + access + policies + usage records on, warm key, one process.',
  `${workersName}: the same, run as \`npm start\` runs it with ODOCK_WORKERS=${process.env.BENCH_WORKERS ?? 'auto'} (a primary and ${odockN.msg.workers} workers on one port; counters, invalidations and SQLite usage writes in the primary); RSS is the sum of all its processes.`,
  `Portkey: \`@portkey-ai/gateway\` ${WITH_PORTKEY ? '1.15.2, headless, provider openai with a custom host' : 'not run (BENCH_PORTKEY=0)'}.`,
  '',
  '| mode | load | target | req/s | p50 ms | p99 ms | p99.9 ms | errors | event-loop delay p99 / max ms | usage records queued at the end | heap MB at the end |',
  '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const r of rows) {
  lines.push(`| ${r.mode} | ${r.shape} | ${r.target} | ${f(r.rps, 0)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.p999)} | ${r.errors} | ${r.eld ? `${f(r.eld.p99, 1)} / ${f(r.eld.max, 1)}` : ''} | ${r.eld?.queued ?? ''} | ${r.eld?.heapMb === undefined ? '' : f(r.eld.heapMb, 0)} |`);
}
lines.push('', '## Against the targets (issue 12)', '', '| mode | measure | odock | target | met |', '|---|---|---:|---:|---|');
for (const mode of ['JSON', 'SSE']) {
  const shapes = [...new Set(rows.filter((r) => r.mode === mode).map((r) => r.shape))];
  const [closedShape, serialShape, rateShape] = shapes;
  const od = find(mode, closedShape, 'odock');
  const fl = find(mode, closedShape, 'floor');
  const check = (measure: string, value: number, target: number, unit: string, atMost: boolean) =>
    lines.push(`| ${mode} | ${measure} | ${f(value)}${unit} | ${atMost ? '≤' : '≥'} ${f(target)}${unit} | ${(atMost ? value <= target : value >= target) ? 'yes' : '**no**'} |`);
  check('throughput / floor', od.rps / fl.rps, 0.8, '', false);
  check(`p99 at ${CONNECTIONS} connections / floor's`, od.p99 / fl.p99, 2, '', true);
  // Beside each latency target, what the floor itself adds on the same load: the part no Node proxy avoids here.
  const added = (shape: string, target: string, p: 'p50' | 'p99') => find(mode, shape, target)[p] - find(mode, shape, 'direct')[p];
  check(`added p99 at ${rateShape} (odock − direct; the floor adds ${f(added(rateShape, 'floor', 'p99'))} ms)`, added(rateShape, 'odock', 'p99'), 2, ' ms', true);
  check(`one at a time: added p50 (odock − direct; the floor adds ${f(added(serialShape, 'floor', 'p50'))} ms)`, added(serialShape, 'odock', 'p50'), 0.3, ' ms', true);
  check(`event-loop delay p99 at ${CONNECTIONS} connections (the floor's: ${f(fl.eld?.p99 ?? NaN, 1)} ms)`, od.eld?.p99 ?? NaN, 5, ' ms', true);
  const odN = find(mode, closedShape, workersName);
  lines.push(`| ${mode} | ${workersName}: throughput / floor, / one process | ${f(odN.rps / fl.rps)}, ${f(odN.rps / od.rps)} | (no target) | |`);
}
lines.push(`| both | peak RSS | ${rss.odock} MB | ≤ 200 MB | ${rss.odock <= 200 ? 'yes' : '**no**'} |`);
lines.push('', `Req/s of each ${CONNECTIONS}-connection round, in the order run: ${roundRps.join('; ')}.`);
lines.push('', `Peak RSS: ${Object.entries(rss).map(([k, v]) => `${k} ${v} MB`).join(', ')}. Usage records written by Odock: ${usage.usageCount}.`, '');
mkdirSync(join(here, 'reports'), { recursive: true });
writeFileSync(join(here, 'reports', 'latest.md'), lines.join('\n'));
writeFileSync(join(here, 'reports', `${new Date().toISOString().slice(0, 10)}.json`), JSON.stringify({ connections: CONNECTIONS, seconds: SECONDS, rows, rssMb: rss, usage }, null, 2));
console.log(lines.join('\n'));
process.exit(0);
