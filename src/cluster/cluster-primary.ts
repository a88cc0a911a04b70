import cluster, { type Worker } from 'node:cluster';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config/env.ts';
import { openStore } from '../store/db.ts';
import { metaRepo } from '../store/repos/meta.repo.ts';
import { Vault } from '../crypto/envelope.ts';
import { checkMasterKey, loadMasterKey } from '../crypto/master-key.ts';
import { bootstrap, type BootstrapResult } from '../admin/auth/bootstrap.service.ts';
import { MemoryLimiter } from '../policy/memory-limiter.ts';
import { MemoryLedger } from '../budgets/memory-ledger.ts';
import { MemoryCooldownStore } from '../routing/cooldown-store.ts';
import { LoginThrottle } from '../admin/auth/login-throttle.ts';
import { TtlTextStore } from '../cache/ttl-text-store.ts';
import { AggregatorRegistry } from 'prom-client';
import { SqliteUsageWorker } from '../store/sqlite-usage-worker.ts';
import { createLogger } from '../ops/logger.ts';
import { startBanner } from '../ops/start-banner.ts';
import { PrimaryRpcHost } from './primary-rpc.ts';
import { ClusterBusRelay } from './cluster-bus.ts';
import { WORKER_FLAG } from './cluster-worker.ts';

/**
 * ODOCK_WORKERS > 1: this process is the primary. It serves no request: it prepares the store once
 * (migrations, master key file and canary, first operator) before any worker starts, forks the
 * workers (node:cluster; the primary accepts connections and hands them round-robin to the
 * workers, all on one port), and hosts what must exist once:
 * - embedded mode (no REDIS_URL): the rate/token/concurrency counters (a MemoryLimiter behind
 *   PrimaryRpcHost), so limits are global, the login throttle's counters, the Responses output
 *   items (any worker resolves an item_reference), and the invalidation relay (ClusterBusRelay);
 * - SQLite: the usage writes. SQLite has one writer at a time; N worker threads writing the same
 *   file would queue on its lock (busy_timeout) and each hold a connection and a thread, while one
 *   writer in the primary (the SqliteUsageWorker thread, fed batches over IPC) commits each batch
 *   once and never contends with itself. Each record is queued in exactly one worker and sent
 *   once, so it lands once.
 * On SIGTERM/SIGINT every worker drains (its own graceful shutdown, flushing usage to the primary),
 * then the primary closes the writer and exits.
 */
export async function runPrimary(config: Readonly<Config>, o: { exec: string; started: number }): Promise<void> {
  if (cluster.isWorker) throw new Error('ODOCK_WORKERS above 1 needs Odock as the primary process, not inside another cluster (PM2 cluster mode): set ODOCK_WORKERS=1 there');
  const logger = createLogger(config.LOG_LEVEL);
  const store = openStore({ databaseUrl: config.databaseUrl, schema: config.DATABASE_SCHEMA });
  let boot: BootstrapResult;
  try {
    await store.migrate();
    await checkMasterKey(metaRepo(store.db), new Vault(loadMasterKey({ envKey: config.ODOCK_MASTER_KEY, dataDir: config.dataDir, dialect: config.dialect })));
    boot = await bootstrap(store.db, { email: config.ODOCK_ADMIN_EMAIL, password: config.ODOCK_ADMIN_PASSWORD });
  } finally {
    await store.close().catch(() => {});
  }

  const host = new PrimaryRpcHost();
  const relay = config.REDIS_URL ? undefined : new ClusterBusRelay();
  if (!config.REDIS_URL) {
    host.register('limiter', new MemoryLimiter());
    host.register('response-items', new TtlTextStore());
    host.register('budget-ledger', new MemoryLedger());
    host.register('routing-cooldowns', new MemoryCooldownStore());
    host.register('login-throttle', new LoginThrottle({ maxFailures: config.LOGIN_MAX_FAILURES, windowSeconds: config.LOGIN_WINDOW_SECONDS }));
  }
  // /metrics on any worker: prom-client asks every worker for its registry and sums them.
  const aggregator = new AggregatorRegistry();
  host.register('metrics', { text: () => aggregator.clusterMetrics() });
  const usageWriter = store.sqliteFile ? new SqliteUsageWorker({ file: store.sqliteFile }) : undefined;
  if (usageWriter) host.register('usage', usageWriter);

  cluster.setupPrimary({ exec: o.exec, args: [WORKER_FLAG] });
  let stopping = false;
  let address: { port: number } | undefined;
  const listening = new Set<Worker>();
  let allListening!: () => void;
  const ready = new Promise<void>((r) => (allListening = r));

  const fork = () => {
    const w = cluster.fork();
    host.attach(w);
    relay?.attach(w);
    w.once('listening', (addr) => {
      address ??= { port: addr.port };
      listening.add(w);
      if (listening.size === config.workers) allListening();
    });
    w.once('exit', (code, signal) => {
      if (stopping) return;
      if (listening.size < config.workers && !listening.has(w)) {
        // A worker that cannot start (bad port, bad file) will not start on a retry either.
        console.error(`Cannot start: a worker exited with ${signal ?? code} before listening`);
        void stop(1);
        return;
      }
      listening.delete(w);
      logger.error({ worker: w.id, code, signal }, 'worker died; starting another');
      fork();
    });
    return w;
  };

  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    const exited = workers.map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r()))));
    for (const w of workers) w.process.kill('SIGTERM');
    // Workers enforce SHUTDOWN_GRACE_MS themselves; this only covers one that hangs past it.
    const kill = setTimeout(() => workers.forEach((w) => w.isDead() || w.process.kill('SIGKILL')), config.SHUTDOWN_GRACE_MS + 10_000);
    await Promise.all(exited);
    clearTimeout(kill);
    await usageWriter?.close();
    process.exit(exitCode);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));

  for (let i = 0; i < config.workers; i++) fork();
  await ready;
  const storeName = `${config.dialect}${config.REDIS_URL ? ' + redis' : ', in-process cache'}`;
  console.log(startBanner({ host: config.HOST, port: address!.port, store: storeName, ms: Math.round(performance.now() - o.started), boot, workers: config.workers }));
}
