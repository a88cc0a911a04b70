// Budgets and quotas on the gateway path (product.md, "Budgets and quotas"): every owner type, both
// actions, the 50-parallel bound, a stream cut by its client, a threshold webhook signed, retried after
// a 500 and fired once, and each surface's official SDK raising its normal error on 402.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { startFakeAnthropic } from '../fakes/fake-anthropic.ts';
import { startFakeGemini } from '../fakes/fake-gemini.ts';
import type { FakeUpstream } from '../fakes/fake-server.ts';

const PROVIDER_KEY = 'sk-upstream-budgets';
// One US dollar per output token, input free: the fakes answer 6 output tokens, so a call asking for
// at most 6 reserves exactly what it costs ($6), and limits are easy to read.
const PRICING = { inputPerMTok: 0, outputPerMTok: 1_000_000 };

describe('budgets and quotas on the gateway', () => {
  let o: TestOdock;
  let fake: FakeOpenAI;
  let s: SetupResult;

  before(async () => {
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
    o = await startOdock({ env: { WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50' } });
    s = await setupKey(o, { baseUrl: fake.url, providerKey: PROVIDER_KEY, models: { 'gpt-4.1-mini': { slug: 'gpt-4.1-mini', pricing: PRICING } } });
  });
  after(async () => {
    await o?.close();
    await fake?.close();
  });

  const api = (method: string, path: string, body?: unknown) => s.client.ok(method, `/api/organisations/${s.orgId}${path}`, body);
  const newKey = async (body: Record<string, unknown>) => {
    const k = await api('POST', '/api-keys', { name: `k-${Math.random().toString(36).slice(2, 8)}`, ...body });
    await api('POST', `/api-keys/${k.id}/model-access`, { modelIds: [s.modelIds['gpt-4.1-mini']] });
    const { key } = await api('POST', `/api-keys/${k.id}/reveal`);
    return { id: k.id as string, secret: key as string };
  };
  const chat = (secret: string, extra: Record<string, unknown> = {}) => fetch(`${o.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1-mini', max_tokens: 6, messages: [{ role: 'user', content: 'hi' }], ...extra }),
  }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.json() as any }));

  it('50 parallel calls against a key budget that admits 10: 10 succeed, the rest get 402 budget_exceeded', async () => {
    const key = await newKey({ type: 'ORGANISATION' });
    const budget = await api('POST', '/budgets', { ownerType: 'API_KEY', ownerId: key.id, period: 'MONTHLY', timezone: 'Europe/Paris', amountUsd: '60' });
    assert.equal(budget.spentUsd, '0.00');
    assert.deepEqual(budget.thresholds, [50, 80, 90, 100]);
    const results = await Promise.all(Array.from({ length: 50 }, () => chat(key.secret)));
    assert.equal(results.filter((r) => r.status === 200).length, 10);
    const refused = results.filter((r) => r.status !== 200);
    assert.ok(refused.every((r) => r.status === 402 && r.body.error.code === 'budget_exceeded'));
    const err = refused[0].body.error;
    assert.equal(err.scope, 'key');
    assert.equal(err.limit, '60.00');
    assert.equal(err.budget_id, budget.id);
    assert.equal(typeof err.resets_at, 'string');
    await waitFor(async () => (await api('GET', `/budgets/${budget.id}`)).reservedUsd === '0.00');
    const after = await api('GET', `/budgets/${budget.id}`);
    assert.equal(after.spentUsd, '60.00');
    assert.equal(after.remainingUsd, '0.00');
    assert.equal(new Date(after.resetsAt).getTime() > Date.now(), true);
    // The refusals are in usage with their code.
    await o.deps.usage.flush();
    const codes = await o.deps.store.db.selectFrom('usage_records').select('error_code').where('api_key_id', '=', key.id).execute();
    assert.equal(codes.filter((c) => c.error_code === 'budget_exceeded').length, 40);
  });

  it('a call asking for several answers (n) reserves the output budget once per answer', async () => {
    const key = await newKey({ type: 'ORGANISATION' });
    const budget = await api('POST', '/budgets', { ownerType: 'API_KEY', ownerId: key.id, period: 'MONTHLY', amountUsd: '10' });
    // Two answers of at most 6 tokens may cost $12: more than the $10 budget, though one answer fits.
    const two = await chat(key.secret, { n: 2 });
    assert.equal(two.status, 402, JSON.stringify(two.body));
    assert.equal(two.body.error.code, 'budget_exceeded');
    assert.equal((await chat(key.secret, { n: 1 })).status, 200);
    await api('DELETE', `/budgets/${budget.id}`);
  });

  for (const ownerType of ['ORGANISATION', 'TEAM', 'USER'] as const) {
    it(`a BLOCK budget on the ${ownerType.toLowerCase()} refuses its keys once spent; deleting it lifts the refusal`, async () => {
      let keyBody: Record<string, unknown> = { type: 'ORGANISATION' };
      let ownerId = s.orgId;
      if (ownerType === 'TEAM') {
        ownerId = (await api('POST', '/teams', { name: `t-${Math.random().toString(36).slice(2, 8)}` })).id;
        keyBody = { type: 'TEAM', teamId: ownerId };
      } else if (ownerType === 'USER') {
        ownerId = (await api('POST', '/users', { email: `u-${Math.random().toString(36).slice(2, 8)}@example.test`, name: 'U', role: 'member' })).id;
        keyBody = { type: 'USER', userId: ownerId };
      }
      const key = await newKey(keyBody);
      // The organisation has spent in other tests: its budget is sized from what it shows now.
      const b = await api('POST', '/budgets', { ownerType, ownerId, period: 'DAILY', amountUsd: '6' });
      const room = ownerType === 'ORGANISATION' ? await api('PATCH', `/budgets/${b.id}`, { amountUsd: String(Number(b.spentUsd) + 6) }) : b;
      assert.equal((await chat(key.secret)).status, 200);
      await waitFor(async () => (await api('GET', `/budgets/${room.id}`)).reservedUsd === '0.00');
      const r = await chat(key.secret);
      assert.equal(r.status, 402);
      assert.equal(r.body.error.scope, { ORGANISATION: 'organisation', TEAM: 'team', USER: 'user' }[ownerType]);
      await api('DELETE', `/budgets/${b.id}`);
      assert.equal((await chat(key.secret)).status, 200);
    });
  }

  it('an ALERT budget never refuses; it still counts the spend', async () => {
    const key = await newKey({ type: 'ORGANISATION' });
    const b = await api('POST', '/budgets', { ownerType: 'API_KEY', ownerId: key.id, period: 'WEEKLY', amountUsd: '6', action: 'ALERT' });
    for (let i = 0; i < 3; i++) assert.equal((await chat(key.secret)).status, 200);
    await waitFor(async () => (await api('GET', `/budgets/${b.id}`)).spentUsd === '18.00');
  });

  it('a REQUESTS quota answers 429 quota_exceeded with Retry-After once used up', async () => {
    const key = await newKey({ type: 'ORGANISATION' });
    const q = await api('POST', '/quotas', { ownerType: 'API_KEY', ownerId: key.id, period: 'DAILY', metric: 'REQUESTS', limit: 2 });
    assert.equal((await chat(key.secret)).status, 200);
    assert.equal((await chat(key.secret)).status, 200);
    const r = await chat(key.secret);
    assert.equal(r.status, 429);
    assert.equal(r.body.error.code, 'quota_exceeded');
    assert.equal(r.body.error.metric, 'REQUESTS');
    assert.equal(r.body.error.limit, 2);
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
    const view = await api('GET', `/quotas/${q.id}`);
    assert.equal(view.used, 2);
  });

  it('a stream whose client hangs up is settled (charged its reservation), not released', async () => {
    const key = await newKey({ type: 'ORGANISATION' });
    const b = await api('POST', '/budgets', { ownerType: 'API_KEY', ownerId: key.id, period: 'MONTHLY', amountUsd: '100' });
    fake.next({ kind: 'slow', intervalMs: 50, chunks: 200 });
    const abortsBefore = fake.aborts.length;
    const ac = new AbortController();
    const res = await fetch(`${o.url}/v1/chat/completions`, {
      method: 'POST', signal: ac.signal, headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1-mini', stream: true, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    ac.abort();
    await waitFor(() => fake.aborts.length > abortsBefore);
    await waitFor(async () => (await api('GET', `/budgets/${b.id}`)).spentUsd === '20.00');
    assert.equal((await api('GET', `/budgets/${b.id}`)).reservedUsd, '0.00');
  });

  it('a crossed threshold fires one signed webhook, retried after a 500, every delivery listed', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    let answers = [500];
    const server: Server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-odock-signature'] as string | undefined });
        res.statusCode = answers.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const secret = 'whsec-test-0123456789abcdef';
      const hook = await api('POST', '/webhooks', { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, secret, events: ['budget.threshold'] });
      assert.equal(hook.secret, undefined);
      const key = await newKey({ type: 'ORGANISATION' });
      const b = await api('POST', '/budgets', { ownerType: 'API_KEY', ownerId: key.id, period: 'MONTHLY', amountUsd: '20', thresholds: [50] });
      // $6, then $12: 50 % ($10) is crossed by the second call only, and only once for the period.
      for (let i = 0; i < 3; i++) assert.equal((await chat(key.secret)).status, 200);
      await waitFor(async () => (await api('GET', `/webhooks/${hook.id}/deliveries`)).items.some((d: any) => d.status === 'DELIVERED'));
      const { items } = await api('GET', `/webhooks/${hook.id}/deliveries`);
      assert.equal(items.length, 1);
      assert.equal(items[0].attempts, 2);
      assert.equal(items[0].lastStatusCode, 200);
      assert.equal(received.length, 2, 'the 500 and its retry');
      for (const r of received) {
        assert.equal(r.signature, `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`);
        const event = JSON.parse(r.body);
        assert.equal(event.type, 'budget.threshold');
        assert.equal(event.data.budgetId, b.id);
        assert.equal(event.data.threshold, 50);
      }
      const alerts = await api('GET', `/budgets/${b.id}/alerts`);
      assert.equal(alerts.items.length, 1);
    } finally {
      answers = [];
      await new Promise((r) => server.close(r));
    }
  });
});

describe('a 402 through each official SDK', () => {
  const KEYS = { openai: 'sk-oa-402', anthropic: 'sk-ant-402', gemini: 'AIza-402' };
  let o: TestOdock;
  const fakes: FakeUpstream[] = [];
  let secret = '';

  before(async () => {
    const oa = await startFakeOpenAI({ apiKey: KEYS.openai });
    const an = await startFakeAnthropic({ apiKey: KEYS.anthropic });
    const ge = await startFakeGemini({ apiKey: KEYS.gemini });
    fakes.push(oa, an, ge);
    o = await startOdock();
    const a = await setupKey(o, { providerType: 'OPENAI', baseUrl: oa.url, providerKey: KEYS.openai, models: { 'oa-402': { slug: 'gpt-4.1-mini', pricing: PRICING } } });
    const shared = { client: a.client, orgId: a.orgId };
    await setupKey(o, { ...shared, providerType: 'ANTHROPIC', baseUrl: an.url, providerKey: KEYS.anthropic, models: { 'an-402': { slug: 'claude-sonnet-4-5', pricing: PRICING } } });
    const g = await setupKey(o, { ...shared, providerType: 'GOOGLE', baseUrl: ge.url, providerKey: KEYS.gemini, models: { 'ge-402': { slug: 'gemini-2.5-flash', pricing: PRICING } } });
    const ids = ((await a.client.ok('GET', `/api/organisations/${a.orgId}/models`)).items as { id: string }[]).map((m) => m.id);
    await a.client.ok('POST', `/api/organisations/${a.orgId}/api-keys/${g.keyId}/model-access`, { modelIds: ids });
    // An exhausted budget: nothing at all may be spent.
    await a.client.ok('POST', `/api/organisations/${a.orgId}/budgets`, { ownerType: 'API_KEY', ownerId: g.keyId, period: 'TOTAL', amountUsd: '0' });
    secret = g.secret;
  });
  after(async () => {
    await o?.close();
    for (const f of fakes) await f.close();
  });

  it('openai raises APIError with status 402 and the code', async () => {
    const client = new OpenAI({ baseURL: `${o.url}/v1`, apiKey: secret, maxRetries: 0 });
    await assert.rejects(client.chat.completions.create({ model: 'oa-402', max_tokens: 6, messages: [{ role: 'user', content: 'hi' }] }),
      (e: any) => e instanceof OpenAI.APIError && e.status === 402 && e.code === 'budget_exceeded');
  });

  it('@anthropic-ai/sdk raises APIError with status 402', async () => {
    const client = new Anthropic({ baseURL: o.url, apiKey: secret, maxRetries: 0 });
    await assert.rejects(client.messages.create({ model: 'an-402', max_tokens: 6, messages: [{ role: 'user', content: 'hi' }] }),
      (e: any) => e instanceof Anthropic.APIError && e.status === 402 && /budget/.test(e.message));
  });

  it('@google/genai raises its ApiError with status 402', async () => {
    const ai = new GoogleGenAI({ apiKey: secret, httpOptions: { baseUrl: o.url } });
    await assert.rejects(ai.models.generateContent({ model: 'ge-402', contents: 'hi', config: { maxOutputTokens: 6 } }),
      (e: any) => e?.status === 402 && /budget_exceeded|budget/.test(e.message));
  });
});
