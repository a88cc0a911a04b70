// Budgets when Redis goes away and comes back empty: a key with a budget is refused (503, never
// spent unchecked), a key without one keeps working, and after Redis returns with nothing in it the
// spend so far is rebuilt from the usage records.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { PrivateRedis, freePort, redisServerMissing } from '../helpers/private-redis.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';

const PROVIDER_KEY = 'sk-upstream-budget-outage';

describe('budgets across a Redis outage', () => {
  let redis: PrivateRedis;
  let o: TestOdock;
  let fake: FakeOpenAI;
  let s: SetupResult;
  let free: string;
  const skip = redisServerMissing();
  before(async () => {
    if (skip) return;
    redis = new PrivateRedis(await freePort());
    await redis.start();
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
    o = await startOdock({ env: { REDIS_URL: redis.url, USAGE_FLUSH_INTERVAL_MS: '20' } });
    // $1 per output token; each call asks for at most 6 and the fake answers 6: $6 a call.
    s = await setupKey(o, { baseUrl: fake.url, providerKey: PROVIDER_KEY, models: { 'gpt-4.1-mini': { slug: 'gpt-4.1-mini', pricing: { inputPerMTok: 0, outputPerMTok: 1_000_000 } } } });
    const base = `/api/organisations/${s.orgId}`;
    const k = await s.client.ok('POST', `${base}/api-keys`, { type: 'ORGANISATION', name: 'no budget' });
    await s.client.ok('POST', `${base}/api-keys/${k.id}/model-access`, { modelIds: [s.modelIds['gpt-4.1-mini']] });
    free = (await s.client.ok('POST', `${base}/api-keys/${k.id}/reveal`)).key;
  });
  after(async () => {
    await o?.close();
    await redis?.stop();
    await fake?.close();
  });

  const chat = (secret: string) => fetch(`${o.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1-mini', max_tokens: 6, messages: [{ role: 'user', content: 'hi' }] }),
  }).then(async (r) => ({ status: r.status, body: await r.json() as any }));

  it('refuses budgeted calls while Redis is down, and rebuilds the spend when it returns empty', async (t) => {
    if (skip) return t.skip(skip);
    const api = (m: string, p: string, b?: unknown) => s.client.ok(m, `/api/organisations/${s.orgId}${p}`, b);
    const budget = await api('POST', '/budgets', { ownerType: 'API_KEY', ownerId: s.keyId, period: 'MONTHLY', amountUsd: '12' });
    assert.equal((await chat(s.secret)).status, 200);
    await waitFor(async () => (await api('GET', `/budgets/${budget.id}`)).spentUsd === '6.00');
    // Written to the store before Redis goes: the rebuild reads it from there.
    await waitFor(async () => (await api('GET', '/usage?limit=10')).items.length >= 1);

    await redis.stop();
    await waitFor(() => o.deps.redis?.status !== 'ready', 5000);
    const refused = await chat(s.secret);
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error.code, 'store_unavailable');
    assert.equal((await chat(free)).status, 200, 'a key without budgets never needs the ledger');

    await redis.start();
    await waitFor(() => o.deps.redis?.status === 'ready', 10_000, 50);
    assert.equal((await chat(s.secret)).status, 200, '$6 rebuilt + $6 fits in $12');
    // The call is settled just after its answer leaves; the refusal below reports what is settled.
    await waitFor(async () => (await api('GET', `/budgets/${budget.id}`)).spentUsd === '12.00');
    const over = await chat(s.secret);
    assert.equal(over.status, 402);
    assert.equal(over.body.error.spent, '12.00');
  });
});
