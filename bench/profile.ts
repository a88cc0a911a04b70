// `npx tsx bench/profile.ts`: CPU profile of Odock under the non-streaming load (writes CPU-*.cpuprofile files under bench/reports/; the largest is the main thread).
import { fork, type ChildProcess } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { buildBenchBundle } from './bench-bundle.ts';

const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, 'reports'), { recursive: true });
function start(file: string, env: Record<string, string>, execArgv: string[] = []): Promise<{ child: ChildProcess; msg: any }> {
  const loader = file.endsWith('.mjs') ? [] : ['--import', 'tsx'];
  const child = fork(join(here, file), [], { execArgv: [...loader, ...execArgv], env: { ...process.env, ...env } });
  return new Promise((resolve) => child.once('message', (msg) => resolve({ child, msg })));
}
const up = await start('upstream.ts', {});
// The bundle bench/run.ts builds (bench-bundle.ts); profiles Odock as npm start runs it.
// PROFILE_SOURCES=1 profiles the sources under tsx instead: same code, but frames name their files
// (bench/profile-summary.ts then groups the time by room and dependency).
if (process.env.PROFILE_SOURCES !== '1') await buildBenchBundle();
const od = await start(process.env.PROFILE_SOURCES === '1' ? 'odock-server.ts' : 'reports/odock-server.bundle.mjs', { UPSTREAM: `http://127.0.0.1:${up.msg.port}` }, ['--cpu-prof', `--cpu-prof-dir=${join(here, 'reports')}`]);
const lg = await start('loadgen.ts', { TARGET: `http://127.0.0.1:${od.msg.port}/v1/chat/completions`, KEY: od.msg.key, SECONDS: process.env.SECONDS ?? '6', STREAM: process.env.STREAM ?? '0' });
console.log(lg.msg);
od.child.send({ cmd: 'exit' });
await new Promise((r) => od.child.once('exit', r));
up.child.kill();
process.exit(0);
