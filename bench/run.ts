// `npm run bench`: direct vs floor vs Odock, non-streaming and streaming chat, at a fixed
// concurrency; writes bench/reports/latest.md and a dated JSON. Not a pass/fail test.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const SECONDS = Number(process.env.SECONDS ?? 10);

function start(file: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; msg: any }> {
  const bundled = file.endsWith('.mjs');
  const child = fork(join(here, file), [], { execArgv: bundled ? [] : ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (msg) => resolve({ child, msg }));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

function load(target: string, stream: boolean, key?: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'loadgen.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, TARGET: target, STREAM: stream ? '1' : '0', CONCURRENCY: String(CONCURRENCY), SECONDS: String(SECONDS), ...(key ? { KEY: key } : {}) },
    });
    child.once('message', resolve);
    child.once('exit', (code) => code && reject(new Error(`loadgen exited ${code}`)));
  });
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

// Odock runs bundled, as `npm start` runs it (no TypeScript loader in the measured process).
await build({
  entryPoints: [join(here, 'odock-server.ts')], outfile: join(here, 'reports', 'odock-server.bundle.mjs'), bundle: true, platform: 'node',
  format: 'esm', target: 'node20', external: ['better-sqlite3', 'pg-native'], logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
const upstream = await start('upstream.ts');
const upstreamUrl = `http://127.0.0.1:${upstream.msg.port}`;
const floor = await start('floor.ts', { UPSTREAM: upstreamUrl });
const odock = await start('reports/odock-server.bundle.mjs', { UPSTREAM: upstreamUrl });

const rows: any[] = [];
for (const stream of [false, true]) {
  const direct = await load(`${upstreamUrl}/chat/completions`, stream);
  const fl = await load(`http://127.0.0.1:${floor.msg.port}/v1/chat/completions`, stream);
  const od = await load(`http://127.0.0.1:${odock.msg.port}/v1/chat/completions`, stream, odock.msg.key);
  rows.push({ mode: stream ? 'streaming' : 'non-streaming', direct, floor: fl, odock: od });
}
const usage = await new Promise<any>((resolve) => {
  odock.child.once('message', resolve);
  odock.child.send({ cmd: 'usage-count' });
});
const rss = peakRssMb(odock.child.pid!);
for (const c of [upstream.child, floor.child, odock.child]) c.kill('SIGKILL');

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const lines = [
  `# Odock benchmark — ${new Date().toISOString()}`,
  '',
  `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}. Concurrency ${CONCURRENCY}, ${SECONDS} s per run after a 2 s warm-up, load from a separate process.`,
  'Odock: embedded default (SQLite, in-process cache), auth + access + policies + usage records on, warm key.',
  '',
  '| mode | target | req/s | p50 ms | p99 ms | errors |',
  '|---|---|---:|---:|---:|---:|',
];
for (const r of rows) {
  for (const t of ['direct', 'floor', 'odock'] as const) lines.push(`| ${r.mode} | ${t} | ${f(r[t].rps, 0)} | ${f(r[t].p50)} | ${f(r[t].p99)} | ${r[t].errors} |`);
}
lines.push('', '| mode | odock / floor throughput | added p50 ms (odock − direct) | added p99 ms | added p50 over floor | added p99 over floor |', '|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  lines.push(`| ${r.mode} | ${f((100 * r.odock.rps) / r.floor.rps, 1)} % | ${f(r.odock.p50 - r.direct.p50)} | ${f(r.odock.p99 - r.direct.p99)} | ${f(r.odock.p50 - r.floor.p50)} | ${f(r.odock.p99 - r.floor.p99)} |`);
}
lines.push('', `Odock peak RSS: ${rss} MB. Usage records written: ${usage.usageCount}.`, '');
mkdirSync(join(here, 'reports'), { recursive: true });
writeFileSync(join(here, 'reports', 'latest.md'), lines.join('\n'));
writeFileSync(join(here, 'reports', `${new Date().toISOString().slice(0, 10)}.json`), JSON.stringify({ concurrency: CONCURRENCY, seconds: SECONDS, rows, rssMb: rss, usage }, null, 2));
console.log(lines.join('\n'));
process.exit(0);
