// Routing end to end: a real listening Odock, fake upstreams that fail on cue, the official SDKs
// as clients. Failover across candidates and families, no failover after the first streamed
// byte, cooldowns with Retry-After, weighted spread, ungranted candidates, the explain dry run.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { postChat } from '../helpers/chat.ts';
import { FAKE_REPLY, startFakeOpenAI } from '../fakes/fake-openai.ts';
import { startFakeAnthropic } from '../fakes/fake-anthropic.ts';
import type { FakeUpstream } from '../fakes/fake-server.ts';
import { RoutingSetup } from './routing-helpers.ts';

const KEYS = { openai: 'sk-oa-routing-0001', vllm: 'sk-vllm-routing-0001', anthropic: 'sk-ant-routing-0001' };

describe('routing through the gateway', () => {
  let o: TestOdock;
  let s: RoutingSetup;
  let openai: FakeUpstream;
  let vllm: FakeUpstream;
  let anthropic: FakeUpstream;
  const ids: Record<string, string> = {};
  let key: { id: string; secret: string };
  let prov: Record<'openai' | 'vllm' | 'anthropic', { providerId: string; keyId: string }>;

  before(async () => {
    openai = await startFakeOpenAI({ apiKey: KEYS.openai });
    vllm = await startFakeOpenAI({ apiKey: KEYS.vllm });
    anthropic = await startFakeAnthropic({ apiKey: KEYS.anthropic });
    // No default rest: only a Retry-After from the upstream benches a deployment in these tests.
    o = await startOdock({ env: { ROUTING_COOLDOWN_SECONDS: '0' } });
    s = await RoutingSetup.create(o);
    prov = {
      openai: await s.provider('OPENAI', openai.url, KEYS.openai, 1500),
      vllm: await s.provider('VLLM', vllm.url, KEYS.vllm),
      anthropic: await s.provider('ANTHROPIC', anthropic.url, KEYS.anthropic),
    };
    ids.primary = await s.model('oa-primary', 'gpt-4.1-mini', prov.openai);
    ids.claude = await s.model('claude-fallback', 'claude-sonnet-4-5', prov.anthropic);
    ids.hidden = await s.model('hidden-vllm', 'llama-hidden', prov.vllm);
    // The hidden model is a candidate the key is not granted: it must never be called.
    await s.rule({
      modelId: ids.primary, strategy: 'FAILOVER', failoverOn: ['SERVER_ERROR', 'TIMEOUT', 'RATE_LIMIT'], maxAttempts: 3,
      candidates: [{ modelId: ids.hidden, priority: 1, weight: 1 }, { modelId: ids.claude, priority: 2, weight: 1 }],
    });
    key = await s.key([ids.primary, ids.claude]);
  });
  after(async () => {
    await o?.close();
    for (const f of [openai, vllm, anthropic]) await f?.close();
  });

  const counts = () => ({ openai: openai.requests.length, vllm: vllm.requests.length, anthropic: anthropic.requests.length });

  it('openai SDK: an OpenAI model answering 500 fails over to an Anthropic model; the ungranted candidate is never called', async () => {
    const before = counts();
    openai.next({ kind: 'error', status: 500 });
    const client = new OpenAI({ baseURL: `${o.url}/v1`, apiKey: key.secret, maxRetries: 0, defaultHeaders: { 'x-request-id': 'rt-openai-500' } });
    const r = await client.chat.completions.create({ model: 'oa-primary', messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(r.choices[0].message.content, FAKE_REPLY);
    const after = counts();
    assert.equal(after.openai - before.openai, 1);
    assert.equal(after.anthropic - before.anthropic, 1);
    assert.equal(after.vllm, before.vllm, 'the ungranted candidate received nothing');
    assert.equal(anthropic.last().headers['x-api-key'], KEYS.anthropic);

    const u = await s.usageOf('rt-openai-500');
    assert.equal(u.status, 200);
    assert.equal(u.rerouted, true);
    assert.equal(u.modelId, ids.claude, 'charged to the model actually used');
    assert.equal(u.providerType, 'ANTHROPIC');
    assert.deepEqual(u.attempts.map((a: any) => [a.modelId, a.deploymentId, a.status, a.errorCode]), [
      [ids.primary, null, 502, 'upstream_error'],
      [ids.claude, null, 200, null],
    ]);
    assert.ok(u.attempts.every((a: any) => Number.isInteger(a.latencyMs)));
  });

  it('anthropic SDK: a 429 from the primary fails over', async () => {
    const before = counts();
    openai.next({ kind: 'error', status: 429 });
    const client = new Anthropic({ baseURL: o.url, apiKey: key.secret, maxRetries: 0 });
    const m = await client.messages.create({ model: 'oa-primary', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    assert.deepEqual(m.content.map((b) => (b.type === 'text' ? b.text : b.type)), [FAKE_REPLY]);
    assert.equal(counts().anthropic - before.anthropic, 1);
    assert.equal(counts().vllm, before.vllm);
  });

  it('google genai SDK: no headers before the timeout fails over', async () => {
    const before = counts();
    openai.next({ kind: 'stall' });
    const ai = new GoogleGenAI({ apiKey: key.secret, httpOptions: { baseUrl: o.url } });
    const r = await ai.models.generateContent({ model: 'oa-primary', contents: 'Hi' });
    assert.equal(r.text, FAKE_REPLY);
    assert.equal(counts().anthropic - before.anthropic, 1);
  });

  it('a stream fails over before its first byte, and the client gets one clean stream', async () => {
    openai.next({ kind: 'error', status: 503 });
    const client = new OpenAI({ baseURL: `${o.url}/v1`, apiKey: key.secret, maxRetries: 0 });
    let text = '';
    for await (const c of await client.chat.completions.create({ model: 'oa-primary', stream: true, messages: [{ role: 'user', content: 'Hi' }] })) {
      text += c.choices[0]?.delta?.content ?? '';
    }
    assert.equal(text, FAKE_REPLY);
  });

  it('a streamed 200 that hangs up or stalls before its first byte still fails over', async () => {
    for (const b of [{ kind: 'hangup', afterChunks: 0 }, { kind: 'stall-stream', afterChunks: 0 }] as const) {
      const before = counts();
      openai.next(b);
      const r = await postChat(o.url, key.secret, { model: 'oa-primary', stream: true });
      const body = await r.text();
      assert.equal(r.status, 200);
      assert.match(body, /Hello/, b.kind);
      assert.match(body, /\[DONE\]/, b.kind);
      assert.equal(counts().anthropic - before.anthropic, 1, b.kind);
    }
  });

  it('no failover after the first streamed byte: the client gets the in-stream error and no [DONE]', async () => {
    const before = counts();
    openai.next({ kind: 'hangup', afterChunks: 2 });
    const r = await postChat(o.url, key.secret, { model: 'oa-primary', stream: true }, { 'x-request-id': 'rt-midstream' });
    assert.equal(r.status, 200);
    const body = await r.text();
    assert.match(body, /"error"/);
    assert.doesNotMatch(body, /\[DONE\]/);
    assert.equal(counts().anthropic, before.anthropic, 'no second candidate was called');
    const u = await s.usageOf('rt-midstream');
    assert.equal(u.rerouted, false);
    assert.equal(u.attempts.length, 1);
  });

  it('a request error (400) is not a failover reason under SERVER_ERROR|TIMEOUT|RATE_LIMIT', async () => {
    const before = counts();
    openai.next({ kind: 'error', status: 400 });
    const r = await postChat(o.url, key.secret, { model: 'oa-primary' });
    assert.equal(r.status, 400);
    assert.equal(counts().anthropic, before.anthropic);
  });

  it('the fallback candidate is admitted by its own policies: a refusal there ends the call', async () => {
    await s.client.ok('PATCH', `${s.base}/models/${ids.claude}`, { policies: { ratelimit: { payload: { max_tokens: 5 } } } });
    try {
      const before = counts();
      openai.next({ kind: 'error', status: 500 });
      const r = await postChat(o.url, key.secret, { model: 'oa-primary', max_tokens: 50 });
      const body: any = await r.json();
      assert.equal(r.status, 429, JSON.stringify(body));
      assert.equal(body.error.code, 'max_tokens_exceeded');
      assert.equal(counts().anthropic, before.anthropic, 'the refused candidate was not called');
    } finally {
      await s.client.ok('PATCH', `${s.base}/models/${ids.claude}`, { policies: {} });
    }
  });

  it('the fallback candidate is charged to budgets at its own price: over budget there, 402 and it is not called', async () => {
    const k = await s.key([ids.primary, ids.claude]);
    const budget = await s.client.ok('POST', `${s.base}/budgets`, { ownerType: 'API_KEY', ownerId: k.id, period: 'MONTHLY', amountUsd: '0.01' });
    // One dollar per output token: the fallback's worst case (50 tokens) is far over the key's cent.
    const claude = await s.client.ok('GET', `${s.base}/models/${ids.claude}`);
    await s.client.ok('PATCH', `${s.base}/models/${ids.claude}`, { pricing: { inputPerMTok: 0, outputPerMTok: 1_000_000 } });
    try {
      const before = counts();
      openai.next({ kind: 'error', status: 500 });
      const r = await postChat(o.url, k.secret, { model: 'oa-primary', max_tokens: 50 });
      const body: any = await r.json();
      assert.equal(r.status, 402, JSON.stringify(body));
      assert.equal(body.error.code, 'budget_exceeded');
      assert.equal(counts().openai - before.openai, 1, 'the primary was tried');
      assert.equal(counts().anthropic, before.anthropic, 'the refused candidate was not called');
      // The primary's reservation went back when the call moved on: nothing is spent or held.
      const b = await s.client.ok('GET', `${s.base}/budgets/${budget.id}`);
      assert.equal(Number(b.spentUsd), 0);
      assert.equal(Number(b.reservedUsd), 0);
    } finally {
      await s.client.ok('PATCH', `${s.base}/models/${ids.claude}`, { pricing: claude.pricing ?? {} });
      await s.client.ok('DELETE', `${s.base}/budgets/${budget.id}`);
    }
  });

  it('explain: the order a call would follow and why the ungranted candidate is skipped', async () => {
    const e = await s.client.ok('GET', `${s.base}/api-keys/${key.id}/routing-explain?model=oa-primary`);
    assert.equal(e.allowed, true);
    assert.equal(e.rule.strategy, 'FAILOVER');
    assert.deepEqual(e.order.map((t: any) => t.modelName), ['oa-primary', 'claude-fallback']);
    assert.deepEqual(e.skipped.map((t: any) => [t.modelName, t.reason]), [['hidden-vllm', 'not_granted']]);
    const other = await s.key([ids.claude]);
    const denied = await s.client.ok('GET', `${s.base}/api-keys/${other.id}/routing-explain?model=oa-primary`);
    assert.equal(denied.allowed, false);
    assert.equal(denied.reason, 'model_not_allowed');
  });

  it('deployments: a 429 with Retry-After rests the deployment; calls go to the other until then', async () => {
    const model = await s.model('dep-model', 'gpt-4.1-mini', prov.openai);
    const d1 = await s.deployment(model, prov.openai, 'dep-openai', 1);
    const d2 = await s.deployment(model, prov.vllm, 'dep-vllm', 0);
    const k = await s.key([model]);
    openai.next({ kind: 'error', status: 429, headers: { 'retry-after': '120' } });
    const first = await postChat(o.url, k.secret, { model: 'dep-model' });
    assert.equal(first.status, 429, 'the only callable deployment was rate-limited');
    assert.equal(openai.last().body.model, 'dep-openai');

    await s.client.ok('PATCH', `${s.base}/deployments/${d2}`, { weight: 1 });
    const before = counts();
    for (let i = 0; i < 3; i++) assert.equal((await postChat(o.url, k.secret, { model: 'dep-model' })).status, 200);
    assert.equal(counts().openai, before.openai, 'the resting deployment was skipped');
    assert.equal(counts().vllm - before.vllm, 3);
    assert.equal(vllm.last().body.model, 'dep-vllm');

    const list = await s.client.ok('GET', `${s.base}/models/${model}/deployments`);
    const h1 = list.items.find((d: any) => d.id === d1).health;
    assert.equal(h1.status, 'cooling_down');
    assert.ok(Date.parse(h1.coolingDownUntil) > Date.now() + 60_000);
    assert.equal(h1.recentErrors, 1);
    assert.equal(list.items.find((d: any) => d.id === d2).health.status, 'healthy');
    const e = await s.client.ok('GET', `${s.base}/api-keys/${k.id}/routing-explain?model=dep-model`);
    assert.deepEqual(e.order.map((t: any) => t.deploymentId), [d2]);
    assert.deepEqual(e.skipped.map((t: any) => [t.deploymentId, t.reason]), [[d1, 'cooling_down']]);

    const metrics = await (await fetch(`${o.url}/metrics`)).text();
    assert.match(metrics, new RegExp(`odock_deployment_attempts_total\\{model="dep-model",deployment="${d2}",provider="VLLM",outcome="ok"\\} 3`));
    assert.ok(!metrics.includes(KEYS.openai) && !metrics.includes(KEYS.vllm));
  });

  it('deployments: calls spread by weight (3:1 over 200 calls, within 5 standard deviations)', async () => {
    const model = await s.model('spread-model', 'gpt-4.1-mini', prov.openai);
    await s.deployment(model, prov.openai, 'spread-openai', 3);
    await s.deployment(model, prov.vllm, 'spread-vllm', 1);
    const k = await s.key([model]);
    const before = counts();
    for (let i = 0; i < 200; i++) assert.equal((await postChat(o.url, k.secret, { model: 'spread-model' })).status, 200);
    const heavy = counts().openai - before.openai;
    assert.equal(heavy + counts().vllm - before.vllm, 200);
    assert.ok(Math.abs(heavy - 150) <= 31, `openai got ${heavy} of 200`);
  });
});
