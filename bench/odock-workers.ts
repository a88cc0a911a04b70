// Odock with ODOCK_WORKERS (default `auto`: one per core), as `npm start` runs it: the server bundle in its
// own process (the primary), which forks the workers. This launcher only starts it, sets the bench key up
// through the admin API, and reports the port, the key and the primary's pid (run.ts sums the peak RSS of
// the primary and its workers). Event-loop delay is per worker and not collected here.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script without type declarations
import { BUNDLE, buildServer, bundleIsStale } from '../scripts/build-server.mjs';
import { BENCH_ADMIN, setupBenchKey } from './bench-setup.ts';

if (bundleIsStale()) await buildServer();
const child = spawn(process.execPath, [BUNDLE], {
  env: {
    PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ODOCK_DATA_DIR: mkdtempSync(join(tmpdir(), 'odock-bench-workers-')),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', ODOCK_ALLOW_PRIVATE_UPSTREAMS: 'true', ODOCK_WORKERS: process.env.BENCH_WORKERS ?? 'auto',
    ODOCK_ADMIN_EMAIL: BENCH_ADMIN.email, ODOCK_ADMIN_PASSWORD: BENCH_ADMIN.password,
    ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
const port = await new Promise<number>((resolve, reject) => {
  child.stdout!.on('data', (d) => {
    out += d;
    const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  });
  child.once('exit', (code) => reject(new Error(`odock exited with ${code}:\n${out}`)));
});
const workers = Number(/(\d+) workers/.exec(out)?.[1] ?? 1);
const { key, org, cookie } = await setupBenchKey(`http://127.0.0.1:${port}`, process.env.UPSTREAM!);
process.send?.({ port, key, org, cookie, pid: child.pid, workers });
const stop = () => {
  child.once('exit', () => process.exit(0));
  child.kill('SIGTERM');
};
process.on('SIGTERM', stop);
process.on('message', (msg: { cmd: string }) => msg.cmd === 'exit' && stop());
