import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { GatewayError } from '../errors/index.ts';
import { registerErrorClassifier } from '../errors/to-gateway-error.ts';
import type { Database } from './schema.ts';
import { migrationProvider } from './migrations/index.ts';

// int8 (bigint) columns come back from pg as strings by default; our bigints are nano-USD totals
// that fit in a double's 2^53 exact range.
pg.types.setTypeParser(20, (v: string) => Number(v));

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  /** Queries executed so far (lets tests prove the warm hot path runs none). */
  readonly queryCount: number;
  dialect: Dialect;
  /** The SQLite database file, when there is one another connection can open (not `:memory:`). */
  sqliteFile?: string;
  migrate(): Promise<string[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl: string;
  /** PostgreSQL schema (created if missing); tests use one per run for isolation. */
  schema?: string;
}

/** The database and its WAL/SHM files readable by the owner only (also fixes older installs). */
function ownerOnly(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (existsSync(f)) chmodSync(f, 0o600);
    } catch {
      /* not ours to change (e.g. a read-only mount): leave it */
    }
  }
}

export function openStore(opts: StoreOptions): Store {
  const url = opts.databaseUrl;
  let db: Kysely<Database>;
  let dialect: Dialect;
  let prepare: () => Promise<void> = async () => {};
  let queries = 0;
  let sqliteFile: string | undefined;
  const log = () => {
    queries++;
  };
  if (url.startsWith('sqlite:')) {
    dialect = 'sqlite';
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file !== ':memory:') {
      const dir = dirname(file);
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Created 0600 before SQLite opens it (SQLite would follow the umask, usually 0644);
      // SQLite gives the -wal and -shm files the database file's mode.
      closeSync(openSync(file, 'a', 0o600));
    }
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    if (file !== ':memory:') {
      ownerOnly(file);
      sqliteFile = file;
    }
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // Analytics read ranges of rollup indexes; SQLite's 2 MB default page cache is too small for them.
    sqlite.pragma('cache_size = -32768');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), log });
  } else {
    dialect = 'postgres';
    const schema = opts.schema;
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // A dropped connection (PostgreSQL restart) must not crash the process; the pool reconnects.
    pool.on('error', () => {});
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
    if (schema) {
      prepare = async () => {
        await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      };
    }
  }

  return {
    db,
    dialect,
    sqliteFile,
    get queryCount() {
      return queries;
    },
    async migrate() {
      await prepare();
      // Kysely looks for its migration tables in every schema unless told which one: another
      // schema's kysely_migration (another app, a parallel test) would make it skip creating ours.
      const migrationTableSchema = dialect === 'postgres'
        ? opts.schema ?? (await sql<{ s: string | null }>`select current_schema() as s`.execute(db)).rows[0]?.s ?? undefined
        : undefined;
      const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema });
      for (let attempt = 1; ; attempt++) {
        const { error, results } = await migrator.migrateToLatest();
        if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
        // Kysely's introspection reads every schema of the database; one dropped meanwhile (by
        // another app or a parallel test) fails that read with 3F000. Nothing was applied: retry.
        if (attempt < 5 && (error as { code?: string }).code === '3F000') continue;
        throw error;
      }
    },
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}

/** Unique-constraint violation on either dialect (→ 409). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The store could not be reached (→ 503 store_unavailable). */
export function isStoreUnavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  const code = err?.code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', 'SQLITE_BUSY'].includes(code)
    || /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(err?.message ?? '');
}

/**
 * The store's own failures, named for the error handler (src/errors consults it; it cannot import
 * the store itself). Registered when this module loads, which is before any query can fail.
 */
export function classifyStoreError(e: unknown): GatewayError | undefined {
  const code = (e as { code?: string })?.code;
  // PostgreSQL refuses NUL in text ("invalid byte sequence", 22021; 22P05): the input's fault, not ours.
  if (code === '22021' || code === '22P05') return new GatewayError('invalid_request', 'Text contains a character that cannot be stored (NUL)');
  if (isStoreUnavailable(e)) return new GatewayError('store_unavailable', 'The database is unavailable; try again shortly');
  return undefined;
}
registerErrorClassifier(classifyStoreError);

export const nowIso = () => new Date().toISOString();
