import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTempStore, type TempStore } from '../../store/testing/temp-store.ts';
import { budgetRepo } from '../../store/repos/budget.repo.ts';
import { refusal } from '../shared/service-testing.ts';
import { createBudgetService } from './budgets.service.ts';
import { createQuotaService } from '../quotas/quotas.service.ts';

describe('budget and quota services', () => {
  let t: TempStore;
  let orgId: string;
  let otherOrg: string;
  let teamId: string;
  const invalidated: string[] = [];
  let budgets: ReturnType<typeof createBudgetService>;
  let quotas: ReturnType<typeof createQuotaService>;
  before(async () => {
    t = await openTempStore();
    orgId = await t.seedOrganisation();
    otherOrg = await t.seedOrganisation();
    teamId = await t.seedTeam(orgId);
    const deps = { repo: budgetRepo(t.store.db), invalidateOrg: async (o: string) => { invalidated.push(o); } };
    budgets = createBudgetService(deps);
    quotas = createQuotaService(deps);
  });
  after(() => t.close());

  it('stores the amount as integer nano-USD, with default thresholds, action and time zone', async () => {
    const b = await budgets.create(orgId, { ownerType: 'TEAM', ownerId: teamId, period: 'MONTHLY', amountUsd: '12.345' });
    assert.equal(Number(b.amount_nano_usd), 12_345_000_000);
    assert.deepEqual(JSON.parse(b.thresholds), [50, 80, 90, 100]);
    assert.equal(b.action, 'BLOCK');
    assert.equal(b.timezone, 'UTC');
    const u = await budgets.update(orgId, b.id, { amountUsd: '20', thresholds: [90, 10, 90], action: 'ALERT' });
    assert.equal(Number(u.amount_nano_usd), 20e9);
    assert.deepEqual(JSON.parse(u.thresholds), [10, 90]);
    assert.equal(u.action, 'ALERT');
  });

  it('refuses an amount that is not a decimal string, naming the field', async () => {
    for (const amountUsd of ['-1', '1e3', 'ten', '0.0000000001']) {
      assert.deepEqual(await refusal(() => budgets.create(orgId, { ownerType: 'ORGANISATION', ownerId: orgId, period: 'DAILY', amountUsd })).then((r) => [r.code, r.field]), ['invalid_request', 'amountUsd']);
    }
  });

  it('an owner of another organisation, or none, is refused; records of another organisation are 404', async () => {
    const foreignTeam = await t.seedTeam(otherOrg);
    assert.equal((await refusal(() => budgets.create(orgId, { ownerType: 'TEAM', ownerId: foreignTeam, period: 'DAILY', amountUsd: '1' }))).field, 'ownerId');
    assert.equal((await refusal(() => quotas.create(orgId, { ownerType: 'ORGANISATION', ownerId: otherOrg, period: 'DAILY', metric: 'REQUESTS', limit: 1 }))).field, 'ownerId');
    const b = await budgets.create(orgId, { ownerType: 'ORGANISATION', ownerId: orgId, period: 'TOTAL', amountUsd: '5' });
    const q = await quotas.create(orgId, { ownerType: 'TEAM', ownerId: teamId, period: 'WEEKLY', metric: 'TOKENS', limit: 1000 });
    for (const fn of [() => budgets.get(otherOrg, b.id), () => budgets.update(otherOrg, b.id, { amountUsd: '9' }), () => budgets.delete(otherOrg, b.id),
      () => quotas.get(otherOrg, q.id), () => quotas.update(otherOrg, q.id, { limit: 9 }), () => quotas.delete(otherOrg, q.id)]) {
      assert.equal((await refusal(fn)).code, 'not_found');
    }
  });

  it('every change drops the organisation\'s cached definitions', async () => {
    invalidated.length = 0;
    const b = await budgets.create(orgId, { ownerType: 'ORGANISATION', ownerId: orgId, period: 'DAILY', amountUsd: '1' });
    await budgets.update(orgId, b.id, { rollover: true });
    await budgets.delete(orgId, b.id);
    const q = await quotas.create(orgId, { ownerType: 'ORGANISATION', ownerId: orgId, period: 'DAILY', metric: 'OUTPUT_TOKENS', limit: 5 });
    await quotas.update(orgId, q.id, { limit: 6 });
    await quotas.delete(orgId, q.id);
    assert.deepEqual(invalidated, Array(6).fill(orgId));
  });
});
