import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { openTempStore, type TempStore } from '../../store/testing/temp-store.ts';
import { usageRepo } from '../../store/repos/usage.repo.ts';
import type { UsageRecordTable } from '../../store/schema.ts';
import { createUsageService } from './usage.service.ts';

const record = (orgId: string, over: Partial<UsageRecordTable>): UsageRecordTable => ({
  id: randomUUID(), request_id: randomUUID(), organisation_id: orgId, team_id: null, user_id: null, api_key_id: null, provider_id: null, provider_type: null,
  model_id: null, model_name: 'm', upstream_slug: null, surface: 'openai-chat', input_tokens: 1, output_tokens: 2, cached_tokens: 0,
  reasoning_tokens: 0, cost_nano_usd: 3, latency_ms: 4, ttft_ms: null, status: 200, error_code: null, streamed: 0, created_at: new Date().toISOString(), ...over,
});

describe('usage service', () => {
  let t: TempStore;
  before(async () => {
    t = await openTempStore();
  });
  after(() => t.close());

  it("filters one organisation's records by key, status and time range, newest first", async () => {
    const repo = usageRepo(t.store.db);
    const usage = createUsageService({ usage: repo });
    const orgId = await t.seedOrganisation();
    const other = await t.seedOrganisation();
    await repo.insertUsage([
      record(orgId, { api_key_id: 'k1', created_at: '2030-01-01T00:00:00.000Z' }),
      record(orgId, { api_key_id: 'k1', status: 502, created_at: '2030-01-02T00:00:00.000Z' }),
      record(orgId, { api_key_id: 'k2', created_at: '2030-01-03T00:00:00.000Z' }),
      record(other, { api_key_id: 'k1', created_at: '2030-01-04T00:00:00.000Z' }),
    ]);
    const page = { limit: 50 };
    assert.deepEqual((await usage.list(orgId, {}, page)).map((r) => r.created_at.slice(0, 10)), ['2030-01-03', '2030-01-02', '2030-01-01']);
    assert.equal((await usage.list(orgId, { apiKeyId: 'k1' }, page)).length, 2);
    assert.deepEqual((await usage.list(orgId, { status: 'error' }, page)).map((r) => r.status), [502]);
    assert.equal((await usage.list(orgId, { from: '2030-01-02T00:00:00.000Z', to: '2030-01-03T00:00:00.000Z' }, page)).length, 1);
    assert.equal((await usage.listMcp(orgId, {}, page)).length, 0);
  });
});
