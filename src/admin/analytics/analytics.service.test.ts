import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nowIso, openStore, type Store } from '../../store/db.ts';
import { PG_URL, dropSchema, needPostgres, uniqueSchema } from '../../../test/helpers/services.ts';
import { usageRepo } from '../../store/repos/usage.repo.ts';
import { analyticsRepo } from '../../store/repos/analytics.repo.ts';
import { usageRollupRepo } from '../../store/repos/usage-rollup.repo.ts';
import { SqliteUsageWorker } from '../../store/sqlite-usage-worker.ts';
import type { McpUsageRecordTable, UsageRecordTable } from '../../store/schema.ts';
import { latencyBucket, LATENCY_BOUNDS_MS } from '../../usage/latency-histogram.ts';
import { UsageRetention } from '../../usage/usage-retention.ts';
import { UsageWriter } from '../../usage/usage-writer.ts';
import { createAnalyticsService } from './analytics.service.ts';

const DAY = 86_400_000;
const START = Date.parse('2031-03-01T00:00:00.000Z');

/** Records spread over three days, two keys, two teams, two models, successes and errors; deterministic. */
function makeRecords(orgId: string, n: number): UsageRecordTable[] {
  return Array.from({ length: n }, (_, i) => ({
    id: randomUUID(), request_id: `r${i}`, organisation_id: orgId, team_id: i % 2 ? 'team-a' : 'team-b', user_id: i % 5 ? null : 'user-1',
    api_key_id: i % 3 ? 'key-1' : 'key-2', provider_id: 'prov', provider_type: 'OPENAI', model_id: i % 4 ? 'model-x' : 'model-y', model_name: 'm',
    upstream_slug: null, surface: 'openai-chat', input_tokens: 10 + (i % 7), output_tokens: 20 + (i % 11), cached_tokens: i % 3, reasoning_tokens: 0,
    cost_nano_usd: 1000 + i * 37, latency_ms: (i * 53) % 3000, ttft_ms: null, status: i % 9 === 0 ? 502 : i % 13 === 0 ? 429 : 200,
    error_code: i % 9 === 0 ? 'upstream_error' : i % 13 === 0 ? 'rate_limited' : null, streamed: 0,
    created_at: new Date(START + Math.floor((i * 3 * DAY) / n) + (i % 60) * 1000).toISOString(),
  }));
}

const sum = (rs: UsageRecordTable[], f: (r: UsageRecordTable) => number) => rs.reduce((a, r) => a + f(r), 0);

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`analytics from rollups (${dialect})`, () => {
    let store: Store | undefined;
    let worker: SqliteUsageWorker | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'odock-analytics-'));
    const schema = uniqueSchema();
    after(async () => {
      await worker?.close();
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
      if (dialect === 'postgres' && store) await dropSchema(schema).catch(() => {});
    });

    /** A migrated store, an organisation, and the writer's real repository (the worker thread on SQLite). */
    async function setup(t: { skip(m: string): void }) {
      if (dialect === 'postgres') {
        const skip = await needPostgres();
        if (skip) {
          t.skip(skip);
          return undefined;
        }
      }
      if (!store) {
        store = openStore(dialect === 'sqlite' ? { databaseUrl: `sqlite:${join(dir, 'a.db')}` } : { databaseUrl: PG_URL, schema });
        await store.migrate();
        if (dialect === 'sqlite') worker = new SqliteUsageWorker({ file: join(dir, 'a.db') });
      }
      const orgId = randomUUID();
      await store.db.insertInto('organisations').values({ id: orgId, name: orgId, policies: '{}', created_at: nowIso(), updated_at: nowIso() }).execute();
      const writes = worker ?? usageRepo(store.db);
      const service = createAnalyticsService({ analytics: analyticsRepo(store.db), usage: usageRepo(store.db), now: () => new Date(START + 10 * DAY) });
      return { s: store, orgId, writes, service };
    }

    it('totals, groups and buckets equal the raw records, also after a batch is retried and old raw rows are deleted', async (t) => {
      const ctx = await setup(t);
      if (!ctx) return;
      const { s, orgId, writes, service } = ctx;
      const records = makeRecords(orgId, 1200);
      const writer = new UsageWriter(writes, 1000);
      for (const r of records) writer.record(r);
      await writer.flush();
      // The same rows offered again (a batch retried after its commit was not acknowledged) add nothing.
      const written = await s.db.selectFrom('usage_records').selectAll().where('organisation_id', '=', orgId).execute();
      assert.equal(written.length, 1200);
      await writes.insertUsage(written.slice(0, 300));

      const range = { from: '2031-03-01T00:00:00.000Z', to: '2031-03-04T00:00:00.000Z' };
      const check = async () => {
        const day = await service.usage(orgId, { ...range, interval: 'day' });
        assert.equal(day.totals.requests, 1200);
        assert.equal(day.totals.errors, written.filter((r) => r.status >= 400).length);
        assert.equal(day.totals.inputTokens, sum(written, (r) => r.input_tokens));
        assert.equal(day.totals.outputTokens, sum(written, (r) => r.output_tokens));
        assert.equal(day.totals.costUsd, sum(written, (r) => r.cost_nano_usd) / 1e9);
        assert.deepEqual(day.series.map((x) => x.bucket), ['2031-03-01T00:00:00.000Z', '2031-03-02T00:00:00.000Z', '2031-03-03T00:00:00.000Z']);
        for (const b of day.series) assert.equal(b.requests, written.filter((r) => r.created_at.startsWith(b.bucket!.slice(0, 10))).length);

        const byKey = await service.usage(orgId, { ...range, interval: 'hour', groupBy: 'apiKey' });
        for (const key of ['key-1', 'key-2']) {
          const g = byKey.groups.find((x) => x.group === key)!;
          const raw = written.filter((r) => r.api_key_id === key);
          assert.equal(g.requests, raw.length);
          assert.equal(g.costUsd, sum(raw, (r) => r.cost_nano_usd) / 1e9);
        }
        // Hour buckets are UTC hours cut from created_at, whatever the server's time zone.
        const hours = new Map<string, number>();
        for (const r of written) hours.set(`${r.created_at.slice(0, 13)}:00:00.000Z`, (hours.get(`${r.created_at.slice(0, 13)}:00:00.000Z`) ?? 0) + 1);
        const fromSeries = new Map<string, number>();
        for (const x of byKey.series) fromSeries.set(x.bucket!, (fromSeries.get(x.bucket!) ?? 0) + x.requests);
        assert.deepEqual(fromSeries, hours);

        const byStatus = await service.usage(orgId, { ...range, interval: 'day', groupBy: 'status' });
        assert.deepEqual(byStatus.groups.map((g) => g.group).sort(), ['ok', 'rate_limited', 'upstream_error']);
        const failed = await service.usage(orgId, { ...range, interval: 'day', outcome: 'error' });
        assert.equal(failed.totals.requests, failed.totals.errors);
        assert.equal(failed.totals.errors, day.totals.errors);
        const filtered = await service.usage(orgId, { ...range, interval: 'day', modelId: 'model-y', teamId: 'team-b' });
        assert.equal(filtered.totals.requests, written.filter((r) => r.model_id === 'model-y' && r.team_id === 'team-b').length);

        // p50/p95 from the summed histograms fall in the same log bucket as the exact percentiles.
        const sorted = written.map((r) => r.latency_ms).sort((a, b) => a - b);
        const exact = (p: number) => sorted[Math.ceil(p * sorted.length) - 1];
        for (const [p, got] of [[0.5, day.totals.latencyP50Ms], [0.95, day.totals.latencyP95Ms]] as const) {
          const i = latencyBucket(exact(p));
          assert.ok(got! >= (i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]) && got! <= LATENCY_BOUNDS_MS[i], `p${p * 100}: ${got} vs exact ${exact(p)}`);
        }
        return day.totals;
      };
      const before = await check();

      // Retention 1 day after the first day: the first day's raw rows go, in slices; rollups stay.
      const slices = usageRollupRepo(s.db);
      let calls = 0;
      const counted = { deleteSlice: (...a: Parameters<typeof slices.deleteSlice>) => (calls++, (worker ?? slices).deleteSlice(...a)) };
      const retention = new UsageRetention({ slices: counted, organisationIds: async () => [orgId], rawDays: 2, minuteDays: 0, sliceSize: 50, now: () => new Date(START + 3 * DAY) });
      const deleted = await retention.runOnce();
      const firstDay = written.filter((r) => r.created_at < '2031-03-02').length;
      assert.equal(deleted, firstDay);
      assert.ok(calls > firstDay / 50, `deleted in slices of 50 (${calls} calls)`);
      const left = await s.db.selectFrom('usage_records').select('created_at').where('organisation_id', '=', orgId).execute();
      assert.equal(left.length, 1200 - firstDay);
      assert.ok(left.every((r) => r.created_at >= '2031-03-02'));
      assert.deepEqual(await check(), before);

      // Minute rollups have their own, shorter retention; hour and day rollups stay.
      const minutes = () => s.db.selectFrom('usage_rollups').select((eb) => eb.fn.countAll().as('n')).where('organisation_id', '=', orgId).where('granularity', '=', 'minute').executeTakeFirstOrThrow();
      assert.ok(Number((await minutes()).n) > 0);
      await new UsageRetention({ slices: worker ?? slices, organisationIds: async () => [orgId], rawDays: 0, minuteDays: 1, sliceSize: 500, now: () => new Date(START + 10 * DAY) }).runOnce();
      assert.equal(Number((await minutes()).n), 0);
      assert.deepEqual(await check(), before);
    });

    it('answers MCP usage by server, tool and status, the chargeback by team × key, and never another organisation', async (t) => {
      const ctx = await setup(t);
      if (!ctx) return;
      const { orgId, writes, service, s } = ctx;
      const other = randomUUID();
      const mcp = (i: number, org: string): McpUsageRecordTable => ({
        id: randomUUID(), request_id: `m${i}`, organisation_id: org, api_key_id: 'key-1', mcp_server_id: i % 2 ? 'srv-a' : 'srv-b', method: 'tools/call',
        tool: i % 3 ? 'search' : null, bytes_in: 100, bytes_out: 200 + i, status: i % 4 ? 200 : 403, error_code: i % 4 ? null : 'tool_blocked', blocked: i % 4 ? 0 : 1,
        latency_ms: 5 + i, created_at: new Date(START + i * 60_000).toISOString(),
      });
      await writes.insertMcpUsage(Array.from({ length: 40 }, (_, i) => mcp(i, orgId)));
      await writes.insertMcpUsage([mcp(99, other)]);
      const m = await service.mcp(orgId, { from: '2031-03-01T00:00:00Z', to: '2031-03-02T00:00:00Z', interval: 'minute', groupBy: 'tool' });
      assert.equal(m.totals.requests, 40);
      assert.equal(m.totals.blocked, 10);
      assert.equal(m.totals.bytesOut, 40 * 200 + (39 * 40) / 2);
      assert.deepEqual(m.groups.map((g) => [g.group, g.requests]).sort(), [['search', 26], ['tools/call', 14]]);
      assert.equal((await service.mcp(other, { from: '2031-03-01T00:00:00Z', to: '2031-03-02T00:00:00Z' })).totals.requests, 1);

      const keyId = randomUUID();
      const teamId = randomUUID();
      await s.db.insertInto('teams').values({ id: teamId, organisation_id: orgId, name: 'Research', policies: '{}', created_at: nowIso(), updated_at: nowIso() }).execute();
      const rows = makeRecords(orgId, 30).map((r, i) => ({ ...r, team_id: i < 20 ? teamId : null, api_key_id: i < 10 ? keyId : 'key-z' }));
      await writes.insertUsage(rows);
      const cb = await service.chargeback(orgId, '2031-03');
      assert.equal(cb.totals.costUsd, sum(rows, (r) => r.cost_nano_usd) / 1e9);
      const research = cb.teams.find((x) => x.teamId === teamId)!;
      assert.equal(research.teamName, 'Research');
      assert.equal(research.costUsd, sum(rows.slice(0, 20), (r) => r.cost_nano_usd) / 1e9);
      assert.deepEqual(cb.items.map((x) => [x.teamId, x.apiKeyId, x.requests]).sort(), [[null, 'key-z', 10], [teamId, keyId, 10], [teamId, 'key-z', 10]].sort());
      assert.equal((await service.chargeback(other, '2031-03')).totals.requests, 0);
      await assert.rejects(service.chargeback(orgId, '2031-13'), /period/);
      await assert.rejects(service.usage(orgId, { from: '2030-01-01T00:00:00Z', to: '2031-01-01T00:00:00Z', interval: 'minute' }), /buckets/);
    });
  });
}
