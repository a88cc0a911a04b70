import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/env.ts';
import { createDeps } from '../deps.ts';
import { MasterKeyError, loadMasterKey } from './master-key.ts';
import { parseMasterKey } from './envelope.ts';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

function tempDir(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'odock-mk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const envFor = (dir: string, key?: string) => ({
  ODOCK_DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 'odock.db')}`, LOG_LEVEL: 'silent', ...(key ? { ODOCK_MASTER_KEY: key } : {}),
});

test('a wrong master key at start is a clear start-up error naming both key ids', async (t) => {
  const dir = tempDir(t);
  const first = await createDeps(loadConfig(envFor(dir, KEY_A)));
  await first.close();
  await assert.rejects(createDeps(loadConfig(envFor(dir, KEY_B))), (e: unknown) => {
    assert.ok(e instanceof MasterKeyError);
    const msg = (e as Error).message;
    assert.match(msg, /ODOCK_MASTER_KEY does not match this database/);
    assert.ok(msg.includes(parseMasterKey(KEY_A).id), 'names the id the database was written with');
    assert.ok(msg.includes(parseMasterKey(KEY_B).id), 'names the configured id');
    assert.ok(!msg.includes(KEY_A) && !msg.includes(KEY_B), 'never the key itself');
    return true;
  });
  // The right key still starts.
  const again = await createDeps(loadConfig(envFor(dir, KEY_A)));
  await again.close();
});

test('a malformed master key is a start-up error, not silently disabled secrets', async (t) => {
  const dir = tempDir(t);
  await assert.rejects(createDeps(loadConfig(envFor(dir, 'not-a-key'))), (e: unknown) => e instanceof MasterKeyError && /32 bytes/.test((e as Error).message));
});

test('PostgreSQL requires ODOCK_MASTER_KEY', () => {
  assert.throws(() => loadMasterKey({ dataDir: '/nonexistent', dialect: 'postgres' }), (e: unknown) => e instanceof MasterKeyError && /ODOCK_MASTER_KEY is required/.test((e as Error).message));
});

test('embedded mode generates a private key file once and reuses it', async (t) => {
  const dir = tempDir(t);
  const k1 = loadMasterKey({ dataDir: dir, dialect: 'sqlite' });
  const file = join(dir, 'master.key');
  assert.equal(statSync(file).mode & 0o077, 0, 'readable by the owner only');
  const k2 = loadMasterKey({ dataDir: dir, dialect: 'sqlite' });
  assert.equal(k1.id, k2.id);
  assert.equal(parseMasterKey(readFileSync(file, 'utf8')).id, k1.id);
  // And a start without ODOCK_MASTER_KEY uses it.
  const deps = await createDeps(loadConfig(envFor(dir)));
  assert.equal(deps.vault.keyId, k1.id);
  await deps.close();
});
