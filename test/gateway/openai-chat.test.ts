import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { FAKE_REPLY, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';

const PROVIDER_KEY = 'sk-upstream-secret-0001';

describe('OpenAI-compatible gateway with the official openai SDK', () => {
  let o: TestOdock;
  let fake: FakeOpenAI;
  let s: SetupResult;
  let client: OpenAI;

  before(async () => {
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
    o = await startOdock();
    s = await setupKey(o, {
      baseUrl: fake.url, providerKey: PROVIDER_KEY,
      models: {
        'gpt-4.1-mini': { slug: 'gpt-4.1-mini', pricing: { inputPerMTok: 0.4, outputPerMTok: 1.6, cachedInputPerMTok: 0.1 } },
        'gpt-4.1-clientA': { slug: 'gpt-4.1' },
        'text-embedding-3-small': { slug: 'text-embedding-3-small', type: 'embeddings', pricing: { inputPerMTok: 0.02 } },
        'gpt-4.1-nano': { slug: 'gpt-4.1-nano' },
      },
      grant: ['gpt-4.1-mini', 'gpt-4.1-clientA', 'text-embedding-3-small'],
    });
    client = new OpenAI({ baseURL: `${o.url}/v1`, apiKey: s.secret, maxRetries: 0 });
  });
  after(async () => {
    await o?.close();
    await fake?.close();
  });

  const last = () => fake.requests[fake.requests.length - 1];

  it('chat completion: forwarded with the upstream slug and the decrypted provider key, answered unchanged', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4.1-clientA', messages: [{ role: 'user', content: 'Hi there' }] }).withResponse();
    assert.equal(data.choices[0].message.content, FAKE_REPLY);
    assert.equal(data.usage?.completion_tokens, 6);
    assert.ok(response.headers.get('x-request-id'));
    const r = last();
    assert.equal(r.path, '/v1/chat/completions');
    assert.equal(r.body.model, 'gpt-4.1');
    assert.equal(r.headers.authorization, `Bearer ${PROVIDER_KEY}`);
    assert.deepEqual(r.body.messages, [{ role: 'user', content: 'Hi there' }]);
    // The client's own credentials and cookies never travel upstream.
    assert.ok(!JSON.stringify(r.headers).includes(s.secret));
    assert.equal(r.headers.cookie, undefined);
  });

  it('keeps a request id the client sends', async () => {
    const res = await fetch(`${o.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json', 'x-request-id': 'trace-abc-123', cookie: 'session=abc' },
      body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), 'trace-abc-123');
    assert.equal(last().headers.cookie, undefined);
  });

  it('streams with include_usage, chunk by chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: any;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      if (c.usage) usage = c.usage;
    }
    assert.equal(text, FAKE_REPLY);
    assert.equal(usage?.prompt_tokens, 11);
    assert.equal(last().body.stream, true);
  });

  it('embeddings and models.list', async () => {
    const e = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    assert.equal(e.data.length, 2);
    const list = await client.models.list();
    assert.deepEqual(list.data.map((m) => m.id).sort(), ['gpt-4.1-clientA', 'gpt-4.1-mini', 'text-embedding-3-small']);
  });

  it('refuses ungranted models, whatever the spelling, and unknown ones', async () => {
    for (const model of ['gpt-4.1-nano', 'GPT-4.1-MINI', 'gpt-4.1-mini ', 'gpt-4.1', 'gpt-4.1-*']) {
      await assert.rejects(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }), (e: any) => {
        assert.ok(e instanceof OpenAI.APIError, model);
        assert.ok(['model_not_allowed', 'model_not_found'].includes(String(e.code)), `${model}: ${e.code}`);
        if (model === 'gpt-4.1-nano') {
          assert.equal(e.status, 403);
          assert.ok(e instanceof OpenAI.PermissionDeniedError);
        }
        return true;
      });
    }
    await assert.rejects(client.chat.completions.create({ model: 'no-such-model', messages: [] }), (e: any) => e.status === 400 && e.code === 'model_not_found');
  });

  it('provider disabled, provider key revoked, no provider key', async () => {
    const base = `/api/organisations/${s.orgId}`;
    const call = () => client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }] });
    await s.client.ok('PATCH', `${base}/providers/${s.providerId}`, { enabled: false });
    await assert.rejects(call(), (e: any) => e.status === 403 && e.code === 'provider_disabled');
    await s.client.ok('PATCH', `${base}/providers/${s.providerId}`, { enabled: true });

    await s.client.ok('POST', `${base}/providers/${s.providerId}/keys/${s.providerKeyId}/revoke`);
    await assert.rejects(call(), (e: any) => e.status === 403 && e.code === 'provider_api_key_revoked');
    const fresh = await s.client.ok('POST', `${base}/providers/${s.providerId}/keys`, { name: 'second', key: PROVIDER_KEY });
    await s.client.ok('PATCH', `${base}/models/${s.modelIds['gpt-4.1-mini']}`, { providerApiKeyId: null });
    await assert.rejects(call(), (e: any) => e.status === 400 && e.code === 'provider_api_key_not_configured');
    await s.client.ok('PATCH', `${base}/models/${s.modelIds['gpt-4.1-mini']}`, { providerApiKeyId: fresh.id });
    assert.equal((await call()).choices[0].message.content, FAKE_REPLY);
  });

  it('maps upstream failures without leaking the upstream URL or key', async () => {
    const call = () => client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }] });
    const clean = (e: any) => {
      const text = JSON.stringify(e.error ?? {}) + String(e.message);
      assert.ok(!text.includes(fake.url) && !text.includes('127.0.0.1') && !text.includes(PROVIDER_KEY), text);
      return true;
    };
    fake.next({ kind: 'error', status: 500 });
    await assert.rejects(call(), (e: any) => e.status === 502 && e.code === 'upstream_error' && clean(e));
    fake.next({ kind: 'html' });
    await assert.rejects(call(), (e: any) => e.status === 502 && clean(e));
    fake.next({ kind: 'garbage' });
    await assert.rejects(call(), (e: any) => e.status === 502 && clean(e));
    fake.next({ kind: 'error', status: 429, headers: { 'retry-after': '7' } });
    await assert.rejects(call(), (e: any) => e.status === 429 && clean(e));
  });

  it('504 upstream_timeout when no headers arrive in the provider timeout; 502 on a refused connection', async () => {
    const base = `/api/organisations/${s.orgId}/providers/${s.providerId}`;
    await s.client.ok('PATCH', base, { timeoutMs: 300 });
    fake.next({ kind: 'stall' });
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }] }), (e: any) => e.status === 504 && e.code === 'upstream_timeout');
    await s.client.ok('PATCH', base, { timeoutMs: 60_000, baseUrl: 'http://127.0.0.1:9/v1' });
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }] }), (e: any) => e.status === 502 && e.code === 'upstream_error');
    await s.client.ok('PATCH', base, { baseUrl: fake.url });
  });

  it('records usage for every call, with tokens and cost, never the prompt', async () => {
    await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'a very private prompt' }] });
    await o.deps.usage.flush();
    await waitFor(async () => (await s.client.ok('GET', `/api/organisations/${s.orgId}/usage?modelId=${s.modelIds['gpt-4.1-mini']}&limit=500`)).items.length > 0);
    const page = await s.client.ok('GET', `/api/organisations/${s.orgId}/usage?modelId=${s.modelIds['gpt-4.1-mini']}&status=success&limit=1`);
    const rec = page.items[0];
    assert.equal(rec.inputTokens, 11);
    assert.equal(rec.outputTokens, 6);
    assert.equal(rec.cachedTokens, 3);
    assert.equal(rec.reasoningTokens, 2);
    // (11 − 3) × 0.4 $/MTok + 3 × 0.1 + 6 × 1.6, in nano-USD
    assert.equal(rec.costNanoUsd, 8 * 400 + 3 * 100 + 6 * 1600);
    assert.equal(rec.apiKeyId, s.keyId);
    assert.equal(rec.status, 200);
    const all = await s.client.ok('GET', `/api/organisations/${s.orgId}/usage?limit=500`);
    assert.ok(all.items.some((r: any) => r.errorCode === 'upstream_error' && r.status === 502));
    assert.ok(all.items.some((r: any) => r.streamed === true));
    assert.ok(!JSON.stringify(all).includes('a very private prompt'));
    assert.ok(page.nextCursor, 'paged');
  });
});
