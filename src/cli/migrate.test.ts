import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/db.ts';
import { PG_URL, dropSchema, needPostgres, uniqueSchema } from '../../test/helpers/services.ts';

function migrateCli(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts'], { env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 90_000 });
}

/** `npm run migrate` applies the migrations once, lists them, and is a no-op the second time. */
async function checkMigrate(env: Record<string, string>, schema: string | undefined, runTwice: boolean) {
  const first = migrateCli(env);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /Applied \d+ migration\(s\)/);
  assert.match(first.stdout, /001-initial/);
  assert.ok(!first.stdout.includes('postgres://'), 'the database URL is not printed');
  if (runTwice) {
    const second = migrateCli(env);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /up to date/);
  }
  // The tables are there for the server to use, and nothing is left to apply.
  const store = openStore({ databaseUrl: env.DATABASE_URL, schema });
  try {
    assert.deepEqual(await store.migrate(), []);
    const row = await store.db.selectFrom('organisations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(row.n), 0);
  } finally {
    await store.close();
  }
}

test('npm run migrate on SQLite', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'odock-migrate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await checkMigrate({ ODOCK_DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 'odock.db')}` }, undefined, true);
});

test('npm run migrate on PostgreSQL', async (t) => {
  const reason = await needPostgres();
  if (reason) return t.skip(reason);
  const schema = uniqueSchema();
  t.after(() => dropSchema(schema));
  await checkMigrate({ DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema }, schema, false);
});
