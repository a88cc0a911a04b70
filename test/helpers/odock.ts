import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/env.ts';
import { createDeps } from '../../src/deps.ts';
import { buildApp } from '../../src/app.ts';
import { bootstrap } from '../../src/admin/auth/bootstrap.service.ts';
import type { AppDeps } from '../../src/context.ts';
import { PG_URL, REDIS_URL, dropSchema, uniquePrefix, uniqueSchema, type DialectName } from './services.ts';

export const ADMIN_EMAIL = 'admin@example.test';
export const ADMIN_PASSWORD = 'correct-horse-battery';
export const TEST_MASTER_KEY = 'a'.repeat(64);

export interface OdockOptions {
  dialect?: DialectName;
  redis?: boolean;
  env?: Record<string, string>;
  /** Share storage with another instance (scale-out tests). */
  shareWith?: TestOdock;
  serveConsole?: boolean;
}

export interface TestOdock {
  url: string;
  app: FastifyInstance;
  deps: AppDeps;
  config: Readonly<Config>;
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A real listening Odock on 127.0.0.1 with its own data directory (SQLite) or PostgreSQL
 * schema, optionally on Redis with a private key prefix and channel.
 */
export async function startOdock(opts: OdockOptions = {}): Promise<TestOdock> {
  const dialect = opts.dialect ?? 'sqlite';
  const shared = opts.shareWith?.env;
  const dataDir = mkdtempSync(join(tmpdir(), 'odock-test-'));
  const schema = shared?.DATABASE_SCHEMA ?? (dialect === 'postgres' ? uniqueSchema() : undefined);
  const prefix = shared?.REDIS_KEY_PREFIX ?? uniquePrefix();
  const env: Record<string, string> = {
    PORT: '0', HOST: '127.0.0.1', ODOCK_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ODOCK_MASTER_KEY: TEST_MASTER_KEY,
    ODOCK_ALLOW_PRIVATE_UPSTREAMS: 'true', ODOCK_ADMIN_EMAIL: ADMIN_EMAIL, ODOCK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    USAGE_FLUSH_INTERVAL_MS: '50',
    ...(shared ? { DATABASE_URL: shared.DATABASE_URL } : dialect === 'postgres' ? { DATABASE_URL: PG_URL } : { DATABASE_URL: `sqlite:${join(dataDir, 'odock.db')}` }),
    ...(schema ? { DATABASE_SCHEMA: schema } : {}),
    ...(opts.redis || shared?.REDIS_URL ? { REDIS_URL: shared?.REDIS_URL ?? REDIS_URL, REDIS_KEY_PREFIX: prefix, CACHE_INVALIDATION_CHANNEL: `${prefix}inv` } : {}),
    ...opts.env,
  };
  const config = loadConfig(env);
  const deps = await createDeps(config);
  const app = await buildApp(deps, { serveConsole: opts.serveConsole ?? false });
  await bootstrap(deps.store.db, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  if (deps.redis) await waitFor(() => deps.bus.healthy, 5000);
  return {
    url: `http://127.0.0.1:${port}`,
    app, deps, config, env,
    async close() {
      await app.close();
      await deps.close();
      if (!opts.shareWith) {
        if (schema) await dropSchema(schema).catch(() => {});
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, stepMs = 20): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
