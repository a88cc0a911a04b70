// `npx tsx bench/framework.ts`: node:http vs Fastify vs Fastify set up as Odock's /v1 (framework-server.ts),
// same fixed answer, no upstream; loads interleaved round by round (FW_ROUNDS, FW_SECONDS), medians of req/s
// and the CPU µs per request each implies on one core, to tell whether Fastify's pipeline is where Odock's time goes.
import { fork } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.FW_ROUNDS ?? 3);
const SECONDS = Number(process.env.FW_SECONDS ?? 3);
const kinds = ['http', 'fastify', 'fastify-odock'];
const servers = await Promise.all(kinds.map((k) => new Promise<{ kind: string; port: number; kill: () => void }>((resolve) => {
  const c = fork(join(here, 'framework-server.ts'), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, FRAMEWORK: k } });
  c.once('message', (m: any) => resolve({ kind: k, port: m.port, kill: () => c.kill() }));
})));
const load = (port: number) => new Promise<{ rps: number; p50: number }>((resolve) => {
  const c = fork(join(here, 'loadgen.ts'), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, TARGET: `http://127.0.0.1:${port}/v1/chat/completions`, CONCURRENCY: '50', SECONDS: String(SECONDS), WARMUP: '1', STREAM: '0' } });
  c.once('message', resolve as never);
});
const rps: Record<string, number[]> = Object.fromEntries(kinds.map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) for (const s of servers) rps[s.kind].push((await load(s.port)).rps);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = median(rps.http);
console.log(`| server | req/s (median of ${ROUNDS}) | / node:http | µs per request (1e6 / req/s) |\n|---|---:|---:|---:|`);
for (const k of kinds) console.log(`| ${k} | ${median(rps[k]).toFixed(0)} | ${(median(rps[k]) / base).toFixed(2)} | ${(1e6 / median(rps[k])).toFixed(1)} |`);
servers.forEach((s) => s.kill());
process.exit(0);
