import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/env.ts';
import { createDeps } from '../../src/deps.ts';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('data directory, database and master key file modes', { skip: process.platform === 'win32' ? 'POSIX modes only' : false }, () => {
  const root = mkdtempSync(join(tmpdir(), 'odock-modes-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = join(root, 'data');
  // Embedded mode as a first start has it: SQLite in the data directory, a generated master key.
  const config = loadConfig({ ODOCK_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });

  const files = () => ['odock.db', 'odock.db-wal', 'odock.db-shm', 'master.key'].map((f) => join(dataDir, f)).filter((f) => existsSync(f));

  it('a first start creates the directory 0700 and the database, its WAL/SHM and the master key 0600', async () => {
    const deps = await createDeps(config);
    try {
      assert.equal(mode(dataDir).toString(8), '700');
      assert.ok(files().length >= 2, files().join());
      for (const f of files()) assert.equal(mode(f).toString(8), '600', f);
    } finally {
      await deps.close();
    }
  });

  it('a start fixes the modes of an existing installation', async () => {
    chmodSync(dataDir, 0o755);
    for (const f of files()) chmodSync(f, 0o644);
    const deps = await createDeps(config);
    try {
      assert.equal(mode(dataDir).toString(8), '700');
      for (const f of files()) assert.equal(mode(f).toString(8), '600', f);
    } finally {
      await deps.close();
    }
  });
});
