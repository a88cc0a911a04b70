import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../store/db.ts';
import { DIALECTS, PG_URL, dropSchema, needPostgres, uniqueSchema } from '../../test/helpers/services.ts';
import { metaRepo } from '../store/repos/meta.repo.ts';
import { authEpochStore } from './auth-epoch.ts';

for (const dialect of DIALECTS) {
  describe(`auth epoch (${dialect})`, () => {
    let store: Store | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'odock-epoch-'));
    const schema = uniqueSchema();
    after(async () => {
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
      if (dialect === 'postgres' && store) await dropSchema(schema).catch(() => {});
    });

    it('starts at 0 and every bump answers a new, higher value, concurrent bumps included', async (t) => {
      if (dialect === 'postgres') {
        const skip = await needPostgres();
        if (skip) return t.skip(skip);
      }
      store = openStore(dialect === 'sqlite' ? { databaseUrl: `sqlite:${join(dir, 'e.db')}` } : { databaseUrl: PG_URL, schema });
      await store.migrate();
      const epochs = authEpochStore(metaRepo(store.db));
      assert.equal(await epochs.read(), 0);
      assert.equal(await epochs.bump(), 1);
      const many = await Promise.all(Array.from({ length: 8 }, () => epochs.bump()));
      assert.deepEqual([...many].sort((a, b) => a - b), [2, 3, 4, 5, 6, 7, 8, 9]);
      assert.equal(await epochs.read(), 9);
    });
  });
}
