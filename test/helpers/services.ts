import { createConnection } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Where the suite finds PostgreSQL and Redis. In CI (`CI` set) a missing service fails the
 * test loudly; elsewhere the test is skipped with a message saying why.
 */
export const PG_URL = process.env.TEST_DATABASE_URL ?? (process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined) ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const IN_CI = !!process.env.CI;

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = createConnection({ host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    // Generous: on a loaded 2-core machine a local connect can take seconds, and in CI a miss fails the test.
    s.setTimeout(5000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

let pgOk: Promise<boolean> | undefined;
let redisOk: Promise<boolean> | undefined;

/** Returns a skip reason, or undefined when PostgreSQL is there. Throws in CI when it is not. */
export async function needPostgres(): Promise<string | undefined> {
  pgOk ??= reachable(PG_URL, 5432);
  if (await pgOk) return undefined;
  if (IN_CI) throw new Error(`PostgreSQL is required in CI but ${PG_URL} is not answering`);
  return `PostgreSQL not reachable at ${PG_URL} (skipped outside CI)`;
}

export async function needRedis(): Promise<string | undefined> {
  redisOk ??= reachable(REDIS_URL, 6379);
  if (await redisOk) return undefined;
  if (IN_CI) throw new Error(`Redis is required in CI but ${REDIS_URL} is not answering`);
  return `Redis not reachable at ${REDIS_URL} (skipped outside CI)`;
}

/** A fresh PostgreSQL schema name for one test run; dropped by dropSchema. */
export function uniqueSchema(): string {
  return `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await c.end();
  }
}

export function uniquePrefix(): string {
  return `odock-test:${randomBytes(6).toString('hex')}:`;
}

export type DialectName = 'sqlite' | 'postgres';

/** Storage tests run on SQLite always and on PostgreSQL when it is there (always in CI). */
export const DIALECTS: DialectName[] = ['sqlite', 'postgres'];
