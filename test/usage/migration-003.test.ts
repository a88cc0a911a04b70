import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import { openStore, type Store } from '../../src/store/db.ts';
import * as m001 from '../../src/store/migrations/001-initial.ts';
import * as m002 from '../../src/store/migrations/002-operator-trust.ts';
import { DIALECTS, PG_URL, dropSchema, needPostgres, uniqueSchema } from '../helpers/services.ts';

const usageRow = (id: string, requestId: string) => ({
  id, request_id: requestId, organisation_id: 'org', team_id: null, user_id: null, api_key_id: null, provider_id: null, provider_type: null,
  model_id: null, model_name: 'm', upstream_slug: null, surface: 'openai-chat', input_tokens: 1, output_tokens: 2, cached_tokens: 0,
  reasoning_tokens: 0, cost_nano_usd: 3, latency_ms: 4, ttft_ms: null, status: 200, error_code: null, streamed: 0, created_at: new Date().toISOString(),
});
const mcpRow = (id: string, requestId: string) => ({
  id, request_id: requestId, organisation_id: 'org', api_key_id: null, mcp_server_id: null, method: 'ping', tool: null,
  bytes_in: 1, bytes_out: 2, status: 200, error_code: null, blocked: 0, latency_ms: 3, created_at: new Date().toISOString(),
});

/** An existing database (migrated to 001 only, with records) is converted by migration 003. */
for (const dialect of DIALECTS) {
  describe(`migration 003 on an existing database (${dialect})`, () => {
    let store: Store | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'odock-m003-'));
    const schema = uniqueSchema();
    after(async () => {
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
      if (dialect === 'postgres' && store) await dropSchema(schema).catch(() => {});
    });

    it('keeps every record, lets request ids repeat, keeps ids unique and request_id indexed', async (t) => {
      if (dialect === 'postgres') {
        const skip = await needPostgres();
        if (skip) return t.skip(skip);
      }
      store = openStore(dialect === 'sqlite' ? { databaseUrl: `sqlite:${join(dir, 'm.db')}` } : { databaseUrl: PG_URL, schema });
      const s = store;
      if (dialect === 'postgres') await sql`create schema if not exists ${sql.id(schema)}`.execute(s.db);
      const old = new Migrator({
        db: s.db, provider: { getMigrations: async () => ({ '001-initial': m001, '002-operator-trust': m002 }) },
        migrationTableSchema: dialect === 'postgres' ? schema : undefined,
      });
      const first = await old.migrateToLatest();
      assert.equal(first.error, undefined);
      await s.db.insertInto('usage_records').values([usageRow('u1', 'req-1'), usageRow('u2', 'req-2')]).execute();
      await s.db.insertInto('mcp_usage_records').values(mcpRow('m1', 'req-1')).execute();
      await assert.rejects(s.db.insertInto('usage_records').values(usageRow('u3', 'req-1')).execute(), 'before 003 request_id is unique');

      // Later migrations run after it too; 003 is the first one applied.
      assert.equal((await s.migrate())[0], '003-usage-record-ids');

      await s.db.insertInto('usage_records').values(usageRow('u3', 'req-1')).execute();
      await s.db.insertInto('mcp_usage_records').values(mcpRow('m2', 'req-1')).execute();
      assert.deepEqual((await s.db.selectFrom('usage_records').select('id').where('request_id', '=', 'req-1').orderBy('id').execute()).map((r) => r.id), ['u1', 'u3']);
      assert.equal((await s.db.selectFrom('usage_records').select('id').execute()).length, 3);
      assert.equal((await s.db.selectFrom('mcp_usage_records').select('id').where('request_id', '=', 'req-1').execute()).length, 2);
      await assert.rejects(s.db.insertInto('usage_records').values(usageRow('u1', 'req-9')).execute(), 'the record id stays unique');
      await assert.rejects(s.db.insertInto('mcp_usage_records').values(mcpRow('m1', 'req-9')).execute(), 'the MCP record id stays unique');

      const indexes = dialect === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name in ('usage_records', 'mcp_usage_records')`.execute(s.db)).rows.map((r) => r.name)
        : (await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = ${schema} and tablename in ('usage_records', 'mcp_usage_records')`.execute(s.db)).rows.map((r) => r.name);
      for (const name of ['usage_request_id', 'mcp_usage_request_id', 'usage_org_time', 'mcp_usage_org_time']) assert.ok(indexes.includes(name), name);
    });
  });
}
