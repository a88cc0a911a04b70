// Three Odock processes on one PostgreSQL and one Redis hammering one budget: the budget is global
// (never more admitted than it holds, here exactly, since each call costs what it reserved), and a
// Redis wipe mid-period loses no spend (rebuilt from the usage records).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { sharedServicesEnv, spawnOdock, type OdockProcess } from '../helpers/odock-process.ts';
import { waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { REDIS_URL, dropSchema, needPostgres, needRedis, uniquePrefix, uniqueSchema } from '../helpers/services.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { deletePrefix } from '../../src/policy/testing/redis-test-helper.ts';

const PROVIDER_KEY = 'sk-upstream-budget-scale';

describe('one budget, three Odock processes on PostgreSQL + Redis', () => {
  const nodes: OdockProcess[] = [];
  let fake: FakeOpenAI;
  let s: SetupResult;
  let skip: string | undefined;
  const schema = uniqueSchema();
  const prefix = uniquePrefix();

  before(async () => {
    skip = (await needPostgres()) ?? (await needRedis());
    if (skip) return;
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
    const env = { ...sharedServicesEnv(schema, prefix), USAGE_FLUSH_INTERVAL_MS: '100' };
    for (let i = 0; i < 3; i++) nodes.push(await spawnOdock(env));
    // $1 per output token; the fake answers 6 output tokens to a call allowed at most 6: $6 reserved and spent.
    s = await setupKey({ url: nodes[0].url } as TestOdock, { baseUrl: fake.url, providerKey: PROVIDER_KEY, models: { 'gpt-4.1-mini': { slug: 'gpt-4.1-mini', pricing: { inputPerMTok: 0, outputPerMTok: 1_000_000 } } } });
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await fake?.close();
    if (!skip) await dropSchema(schema).catch(() => {});
  });

  const chat = (url: string) => fetch(`${url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1-mini', max_tokens: 6, messages: [{ role: 'user', content: 'hi' }] }),
  }).then(async (r) => ({ status: r.status, body: await r.json() as any }));

  it('60 calls spread over three instances against a budget of 10 calls: 10 pass; a Redis wipe loses no spend', async (t) => {
    if (skip) return t.skip(skip);
    const budget = await s.client.ok('POST', `/api/organisations/${s.orgId}/budgets`, { ownerType: 'API_KEY', ownerId: s.keyId, period: 'MONTHLY', amountUsd: '60' });
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => chat(nodes[i % 3].url)));
    assert.equal(results.filter((r) => r.status === 200).length, 10);
    assert.ok(results.filter((r) => r.status !== 200).every((r) => r.status === 402 && r.body.error.code === 'budget_exceeded'));
    const path = `/api/organisations/${s.orgId}/budgets/${budget.id}`;
    await waitFor(async () => (await s.client.ok('GET', path)).reservedUsd === '0.00', 10_000);
    assert.equal((await s.client.ok('GET', path)).spentUsd, '60.00');

    // Every usage record written (refusals included), then Redis loses everything of this deployment.
    await waitFor(async () => {
      const page = await s.client.ok('GET', `/api/organisations/${s.orgId}/usage?limit=100`);
      return page.items.length >= 60;
    }, 10_000);
    const redis = new Redis(REDIS_URL);
    try {
      await deletePrefix(redis, prefix);
    } finally {
      redis.disconnect();
    }
    for (const n of nodes) {
      const r = await chat(n.url);
      assert.equal(r.status, 402, 'the spend was rebuilt from the usage records');
      assert.equal(r.body.error.spent, '60.00');
    }
    // Raising the budget by one call's worth admits exactly one more, whichever instance takes it.
    await s.client.ok('PATCH', path, { amountUsd: '66' });
    const more = await Promise.all(nodes.flatMap((n) => [chat(n.url), chat(n.url)]));
    assert.equal(more.filter((r) => r.status === 200).length, 1);
  });
});
