import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfigOrExit } from './config/env.ts';
import { MasterKeyError } from './crypto/master-key.ts';
import { createDeps } from './deps.ts';
import { buildApp } from './app.ts';
import { bootstrap } from './admin/auth/bootstrap.service.ts';
import { startBanner } from './ops/start-banner.ts';
import { runPrimary } from './cluster/cluster-primary.ts';
import { isOdockWorker, sharedPartsForWorker } from './cluster/cluster-worker.ts';

const started = performance.now();

async function main() {
  const config = loadConfigOrExit();
  // ODOCK_WORKERS > 1: this process forks the workers (which run this file again) and serves nothing itself.
  const inWorker = isOdockWorker();
  let deps;
  try {
    if (config.workers > 1 && !inWorker) return await runPrimary(config, { exec: fileURLToPath(import.meta.url), started });
    deps = await createDeps(config, inWorker ? { shared: sharedPartsForWorker(config) } : {});
  } catch (e) {
    if (e instanceof MasterKeyError) {
      console.error(`Cannot start: ${e.message}`);
      process.exit(2);
    }
    console.error(`Cannot start: ${(e as Error).message}`);
    process.exit(1);
  }
  const { logger } = deps;
  let app;
  try {
    app = await buildApp(deps);
  } catch (e) {
    // A bad file named by a variable (ODOCK_MCP_STDIO_ALLOWLIST) is found while the routes load.
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    await deps.close();
    process.exit(2);
  }
  // In a cluster the primary bootstrapped before forking, and prints the banner once every worker listens.
  const boot = inWorker ? { created: false } : await bootstrap(deps.store.db, { email: config.ODOCK_ADMIN_EMAIL, password: config.ODOCK_ADMIN_PASSWORD });
  await app.listen({ port: config.PORT, host: config.HOST });
  const port = (app.server.address() as { port: number }).port;
  const store = `${deps.store.dialect}${deps.redis ? ' + redis' : ', in-process cache'}`;
  if (!inWorker) console.log(startBanner({ host: config.HOST, port, store, ms: Math.round(performance.now() - started), boot }));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const grace = setTimeout(() => {
      logger.warn('grace period over; closing remaining connections');
      app.server.closeAllConnections?.();
    }, config.SHUTDOWN_GRACE_MS);
    grace.unref();
    try {
      await app.close();
    } finally {
      clearTimeout(grace);
      await deps.close();
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
