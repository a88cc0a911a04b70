import { performance } from 'node:perf_hooks';
import { ConfigError, loadConfigOrExit } from './config/env.ts';
import { MasterKeyError } from './crypto/master-key.ts';
import { createDeps } from './deps.ts';
import { buildApp } from './app.ts';
import { bootstrap } from './admin/auth/bootstrap.service.ts';

const started = performance.now();

async function main() {
  const config = loadConfigOrExit();
  let deps;
  try {
    deps = await createDeps(config);
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
  const boot = await bootstrap(deps.store.db, { email: config.ODOCK_ADMIN_EMAIL, password: config.ODOCK_ADMIN_PASSWORD });
  await app.listen({ port: config.PORT, host: config.HOST });
  const shownHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const port = (app.server.address() as { port: number }).port;
  const url = `http://${shownHost}:${port}`;
  const lines = [
    `Odock is listening on ${url} (${deps.store.dialect}${deps.redis ? ' + redis' : ', in-process cache'}) in ${Math.round(performance.now() - started)} ms`,
    `  console: ${url}/   gateway: ${url}/v1   admin API: ${url}/api`,
  ];
  if (boot.created && boot.generatedPassword) {
    lines.push(`  First start: log in at ${url}/ as ${boot.email} with password ${boot.generatedPassword}`);
    lines.push('  (shown once; set ODOCK_ADMIN_EMAIL/ODOCK_ADMIN_PASSWORD to choose them, and change it in Users)');
  } else if (boot.created) {
    lines.push(`  First start: log in at ${url}/ as ${boot.email} with the password from ODOCK_ADMIN_PASSWORD`);
  }
  console.log(lines.join('\n'));

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
