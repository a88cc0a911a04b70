// Odock as benchmarked: embedded default (SQLite, in-process cache), usage records on, one
// provider, one model, one granted and revealed key; the key is warmed before the load starts.
import { mkdtempSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/env.ts';
import { createDeps } from '../src/deps.ts';
import { buildApp } from '../src/app.ts';
import { bootstrap } from '../src/admin/auth/bootstrap.service.ts';
import { BENCH_ADMIN, setupBenchKey } from './bench-setup.ts';

const dir = mkdtempSync(join(tmpdir(), 'odock-bench-'));
const config = loadConfig({
  PORT: '0', HOST: '127.0.0.1', ODOCK_DATA_DIR: dir, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  ODOCK_ALLOW_PRIVATE_UPSTREAMS: 'true', ODOCK_ADMIN_EMAIL: BENCH_ADMIN.email, ODOCK_ADMIN_PASSWORD: BENCH_ADMIN.password,
  ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
  // Odock's own settings given to the bench (e.g. USAGE_FLUSH_INTERVAL_MS), to measure what one changes.
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ODOCK_BENCH_')).map(([k, v]) => [k.slice('ODOCK_BENCH_'.length), v])),
});
const deps = await createDeps(config);
const app = await buildApp(deps, { serveConsole: false });
await bootstrap(deps.store.db, BENCH_ADMIN);
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

const { key: secret, org, cookie } = await setupBenchKey(base, process.env.UPSTREAM!);
process.send?.({ port: (app.server.address() as { port: number }).port, key: secret, org, cookie });
// Event-loop delay, as the bench asks for it around each load (reset before, read after).
const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
process.on('message', async (msg: { cmd: string }) => {
  if (msg.cmd === 'eld-reset') {
    eld.reset();
    process.send?.({ ok: true });
  }
  // With the delay: usage records still queued (a writer falling behind grows the heap) and the heap in use.
  if (msg.cmd === 'eld') process.send?.({ p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6, queued: deps.usage.pendingCount, heapMb: process.memoryUsage().heapUsed / 2 ** 20, memory: process.memoryUsage() });
  if (msg.cmd === 'usage-count') {
    await deps.usage.flush();
    const n = await deps.store.db.selectFrom('usage_records').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    process.send?.({ usageCount: Number(n?.n ?? 0) });
  }
});
process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'exit') process.exit(0);
});
