import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_MASTER_KEY } from './odock.ts';
import { PG_URL, REDIS_URL } from './services.ts';

export interface OdockProcess {
  url: string;
  proc: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for exit; resolves the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

let built: Promise<void> | undefined;

/** The server bundle `npm start` runs, rebuilt when a source file is newer. */
export function ensureBundle(): Promise<void> {
  built ??= (async () => {
    // @ts-expect-error: a plain .mjs script without type declarations
    const b = await import('../../scripts/build-server.mjs');
    if (b.bundleIsStale()) await b.buildServer();
  })();
  return built;
}

/** Odock as a real separate process (the bundle `npm start` runs), as an operator runs it. */
export async function spawnOdock(env: Record<string, string>): Promise<OdockProcess> {
  await ensureBundle();
  const dataDir = mkdtempSync(join(tmpdir(), 'odock-proc-'));
  const proc = spawn(process.execPath, ['dist/odock.mjs'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ODOCK_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`odock did not start:\n${out}`)), 60_000);
    const onData = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`odock exited with ${code}:\n${out}`));
    });
  });
  return {
    url, proc,
    output: () => out,
    stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
      return new Promise((resolve) => {
        proc.once('exit', (code) => resolve(code));
        proc.kill(signal);
      });
    },
  };
}

/** The environment of Odock processes sharing one PostgreSQL schema and one Redis key prefix (scale-out tests). */
export function sharedServicesEnv(schema: string, prefix: string): Record<string, string> {
  return {
    DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, REDIS_URL, REDIS_KEY_PREFIX: prefix, CACHE_INVALIDATION_CHANNEL: `${prefix}inv`,
    ODOCK_MASTER_KEY: TEST_MASTER_KEY, ODOCK_ADMIN_EMAIL: ADMIN_EMAIL, ODOCK_ADMIN_PASSWORD: ADMIN_PASSWORD, ODOCK_ALLOW_PRIVATE_UPSTREAMS: 'true',
  };
}
