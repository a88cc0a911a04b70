import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { openStore } from '../db.ts';
import { migrationProvider } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'odock-m006-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('rolls up the usage records written before it ran', async () => {
  const store = openStore({ databaseUrl: `sqlite:${join(dir, 'm.db')}` });
  try {
    const migrator = new Migrator({ db: store.db, provider: migrationProvider });
    assert.equal((await migrator.migrateTo('003-usage-record-ids')).error, undefined);
    const row = (i: number) => ({
      id: `old-${i}`, request_id: `r${i}`, organisation_id: 'org', team_id: null, user_id: null, api_key_id: 'k', provider_id: null, provider_type: null,
      model_id: 'm', model_name: 'm', upstream_slug: null, surface: 'openai-chat', input_tokens: 10, output_tokens: 5, cached_tokens: 0, reasoning_tokens: 0,
      cost_nano_usd: 1000 * i, latency_ms: 50, ttft_ms: null, status: i === 0 ? 500 : 200, error_code: null, streamed: 0, created_at: `2030-01-0${1 + (i % 2)}T10:00:00.000Z`,
    });
    await store.db.insertInto('usage_records').values([0, 1, 2, 3].map(row)).execute();
    await store.migrate();
    const day = await store.db.selectFrom('usage_rollups').selectAll().where('granularity', '=', 'day').where('rollup_set', '=', 'full').orderBy('bucket').orderBy('status').execute();
    assert.deepEqual(day.map((d) => [d.bucket.slice(0, 10), d.status, d.requests, d.cost_nano_usd]), [
      ['2030-01-01', '500', 1, 0], ['2030-01-01', 'ok', 1, 2000], ['2030-01-02', 'ok', 2, 4000],
    ]);
  } finally {
    await store.close();
  }
});
