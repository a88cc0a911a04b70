// The enforcer over a real store (SQLite and PostgreSQL) and both ledgers, with an injected clock:
// period rollover on time, the rollover amount, and spend rebuilt from usage records after the
// ledger lost its counters (a restart, a Redis FLUSH).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { openStore, type Store } from '../store/db.ts';
import { budgetRepo } from '../store/repos/budget.repo.ts';
import { LocalBus } from '../cache/invalidation-bus.ts';
import { DIALECTS, PG_URL, dropSchema, needPostgres, uniqueSchema } from '../../test/helpers/services.ts';
import { deletePrefix, sharedRedisOrSkip, uniquePrefix } from '../policy/testing/redis-test-helper.ts';
import { MemoryLedger } from './memory-ledger.ts';
import { RedisLedger } from './redis-ledger.ts';
import type { BudgetLedger } from './budget-ledger.ts';
import { BudgetDefinitions } from './budget-definitions.ts';
import { BudgetEnforcer, type ThresholdCrossing } from './budget-enforcer.ts';

const USD = 1e9;
const { redis, skip: redisSkip } = await sharedRedisOrSkip();
after(() => redis?.disconnect());

interface Ledgers {
  name: 'memory' | 'redis';
  skip?: string;
  make(): { ledger: BudgetLedger; wipe(): Promise<void> };
}
const LEDGERS: Ledgers[] = [
  { name: 'memory', make: () => { const l = new MemoryLedger(); return { ledger: l, wipe: async () => l.clear() }; } },
  { name: 'redis', skip: redisSkip, make: () => { const p = uniquePrefix('budget'); return { ledger: new RedisLedger({ redis: redis!, prefix: p }), wipe: () => deletePrefix(redis!, p) }; } },
];

for (const dialect of DIALECTS) {
  const dialectSkip = dialect === 'postgres' ? await needPostgres() : undefined;
  for (const L of LEDGERS) {
    describe(`budget enforcer: ${dialect} store, ${L.name} ledger`, { skip: dialectSkip ?? L.skip }, () => {
      let store: Store;
      let schema: string | undefined;
      let orgId: string;
      let keyId: string;
      let clock = 0;
      before(async () => {
        schema = dialect === 'postgres' ? uniqueSchema() : undefined;
        store = openStore(dialect === 'postgres' ? { databaseUrl: PG_URL, schema } : { databaseUrl: 'sqlite::memory:' });
        await store.migrate();
        orgId = randomUUID();
        keyId = randomUUID();
        const now = new Date().toISOString();
        await store.db.insertInto('organisations').values({ id: orgId, name: `o-${orgId.slice(0, 6)}`, policies: '{}', created_at: now, updated_at: now }).execute();
      });
      after(async () => {
        await store.close();
        if (schema) await dropSchema(schema);
      });

      const setup = async (budget: { amountUsd: number; rollover?: boolean; createdAt: string; period?: string; thresholds?: number[] }) => {
        const { ledger, wipe } = L.make();
        const repo = budgetRepo(store.db);
        const id = randomUUID();
        // Each budget counts a key of its own, so the tests' usage records do not mix.
        const owner = randomUUID();
        await repo.insertBudget({
          id, organisation_id: orgId, owner_type: 'API_KEY', owner_id: owner, period: budget.period ?? 'MONTHLY', timezone: 'UTC',
          amount_nano_usd: budget.amountUsd * USD, rollover: budget.rollover ? 1 : 0, thresholds: JSON.stringify(budget.thresholds ?? [50, 100]), action: 'BLOCK',
          created_at: budget.createdAt, updated_at: budget.createdAt,
        });
        const crossings: ThresholdCrossing[] = [];
        const enforcer = new BudgetEnforcer({ ledger, definitions: new BudgetDefinitions(repo, new LocalBus()), repo, now: () => clock, onCrossing: (c) => crossings.push(c) });
        const who = { orgId, teamId: null, userId: null, keyId: owner };
        const spend = async (usd: number) => {
          const hold = await enforcer.reserve(who, { costNano: usd * USD, inputTokens: 0, outputTokens: 0 });
          await enforcer.settle(hold!, { costNano: usd * USD, inputTokens: 0, outputTokens: 0 });
          await record(owner, usd, new Date(clock).toISOString());
        };
        const tryReserve = (usd: number) => enforcer.reserve(who, { costNano: usd * USD, inputTokens: 0, outputTokens: 0 });
        return { id, enforcer, spend, tryReserve, wipe, crossings, owner };
      };

      const record = (owner: string, usd: number, at: string) => store.db.insertInto('usage_records').values({
        id: randomUUID(), request_id: randomUUID(), organisation_id: orgId, team_id: null, user_id: null, api_key_id: owner, provider_id: null, provider_type: null,
        model_id: null, model_name: 'm', upstream_slug: null, surface: 'chat', input_tokens: 0, output_tokens: 1, cached_tokens: 0, reasoning_tokens: 0,
        cost_nano_usd: usd * USD, latency_ms: 1, ttft_ms: null, status: 200, error_code: null, streamed: 0, created_at: at,
      }).execute();

      const refusedWith = (code: string) => (e: any) => e?.code === code;

      it('a period rolls over on time: refused at 23:59 on the 31st, admitted at midnight', async () => {
        clock = Date.parse('2026-01-31T23:00:00Z');
        const b = await setup({ amountUsd: 10, createdAt: '2026-01-01T00:00:00.000Z' });
        await b.spend(10);
        clock = Date.parse('2026-01-31T23:59:59.999Z');
        await assert.rejects(b.tryReserve(1), refusedWith('budget_exceeded'));
        clock = Date.parse('2026-02-01T00:00:00Z');
        assert.ok(await b.tryReserve(1));
      });

      it('rollover adds what the previous period left unused', async () => {
        clock = Date.parse('2026-01-20T10:00:00Z');
        const b = await setup({ amountUsd: 10, rollover: true, createdAt: '2026-01-05T00:00:00.000Z' });
        await b.spend(4);
        clock = Date.parse('2026-02-10T10:00:00Z');
        const def = (await new BudgetDefinitions(budgetRepo(store.db), new LocalBus()).get(orgId)).budgets.find((x) => x.id === b.id)!;
        assert.equal((await b.enforcer.budgetStatus(def)).limitNano, 16 * USD);
        assert.ok(await b.tryReserve(16));
        await assert.rejects(b.tryReserve(0.5), refusedWith('budget_exceeded'));
      });

      it('after the ledger lost its counters, spend is rebuilt from the usage records', async () => {
        clock = Date.parse('2026-03-10T10:00:00Z');
        const b = await setup({ amountUsd: 10, createdAt: '2026-03-01T00:00:00.000Z' });
        await b.spend(6);
        await b.wipe();
        await assert.rejects(b.tryReserve(5), refusedWith('budget_exceeded'));
        assert.ok(await b.tryReserve(4));
      });

      it('a threshold is reported when a settle crosses it, once per crossing', async () => {
        clock = Date.parse('2026-04-10T10:00:00Z');
        const b = await setup({ amountUsd: 10, createdAt: '2026-04-01T00:00:00.000Z', thresholds: [50, 100] });
        await b.spend(3);
        assert.equal(b.crossings.length, 0);
        await b.spend(3);
        await b.spend(1);
        assert.deepEqual(b.crossings.map((c) => c.threshold), [50]);
        await b.spend(3);
        assert.deepEqual(b.crossings.map((c) => c.threshold), [50, 100]);
        assert.equal(b.crossings[0].periodStart, Date.parse('2026-04-01T00:00:00Z'));
      });
    });
  }
}
