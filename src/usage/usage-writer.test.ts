import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../store/db.ts';
import { PG_URL, dropSchema, needPostgres, uniqueSchema } from '../../test/helpers/services.ts';
import { usageRepo } from '../store/repos/usage.repo.ts';
import { UsageWriter, type UsageRecordInput } from './usage-writer.ts';

const record = (requestId: string, model = 'm'): UsageRecordInput => ({
  request_id: requestId, organisation_id: 'org', team_id: null, user_id: null, api_key_id: null, provider_id: null, provider_type: null,
  model_id: null, model_name: model, upstream_slug: null, surface: 'openai-chat', input_tokens: 1, output_tokens: 2, cached_tokens: 0,
  reasoning_tokens: 0, cost_nano_usd: 3, latency_ms: 4, ttft_ms: null, status: 200, error_code: null, streamed: 0,
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`usage writer (${dialect})`, () => {
    let store: Store | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'odock-usage-'));
    const schema = uniqueSchema();
    after(async () => {
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
      if (dialect === 'postgres' && store) await dropSchema(schema).catch(() => {});
    });

    const open = async () => {
      store = openStore(dialect === 'sqlite' ? { databaseUrl: `sqlite:${join(dir, 'u.db')}` } : { databaseUrl: PG_URL, schema });
      await store.migrate();
      return store;
    };

    it('a batch retried after its insert committed but failed to answer is written once', async (t) => {
      if (dialect === 'postgres') {
        const skip = await needPostgres();
        if (skip) return t.skip(skip);
      }
      const s = await open();
      // The connection drops after the database committed the insert: the writer sees a failure
      // and offers the very same batch (same generated ids) again on the next flush.
      let lose = true;
      const flaky = s.db.withPlugin({
        transformQuery: (a) => a.node,
        transformResult: async (a) => {
          if (lose && a.result.numAffectedRows !== undefined) {
            lose = false;
            throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
          }
          return a.result;
        },
      });
      const w = new UsageWriter(usageRepo(flaky), 1000);
      for (let i = 0; i < 5; i++) w.record(record(`r${i}`));
      await w.flush();
      assert.equal(w.pendingCount, 5, 'kept for a retry');
      await w.flush();
      assert.equal(w.pendingCount, 0);
      const rows = await s.db.selectFrom('usage_records').select('request_id').execute();
      assert.deepEqual(rows.map((r) => r.request_id).sort(), ['r0', 'r1', 'r2', 'r3', 'r4']);
    });

    it('records sharing a client request id are all written', async (t) => {
      if (dialect === 'postgres') {
        const skip = await needPostgres();
        if (skip) return t.skip(skip);
      }
      const s = store!;
      const w = new UsageWriter(usageRepo(s.db), 1000);
      w.record(record('shared'));
      await w.flush();
      w.record(record('shared')); // another call with the same X-Request-Id, not a retry
      w.record(record('shared'));
      await w.flush();
      const rows = await s.db.selectFrom('usage_records').select('id').where('request_id', '=', 'shared').execute();
      assert.equal(rows.length, 3);
    });

    it('a record the database refuses is dropped alone; the rest of its batch and later ones are written', async (t) => {
      if (dialect === 'postgres') {
        const skip = await needPostgres();
        if (skip) return t.skip(skip);
      }
      const s = store!;
      const w = new UsageWriter(usageRepo(s.db), 1000);
      w.record(record('good-1'));
      // NOT NULL violation on either dialect.
      w.record({ ...record('bad'), surface: null as unknown as string });
      w.record(record('good-2'));
      await w.flush();
      assert.equal(w.pendingCount, 0);
      assert.equal(w.dropped, 1);
      w.record(record('good-3'));
      await w.flush();
      const ids = (await s.db.selectFrom('usage_records').select('request_id').execute()).map((r) => r.request_id);
      for (const id of ['good-1', 'good-2', 'good-3']) assert.ok(ids.includes(id), id);
      assert.ok(!ids.includes('bad'));
    });
  });
}
