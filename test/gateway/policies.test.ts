import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { needRedis } from '../helpers/services.ts';
import { postChat } from '../helpers/chat.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';

const PROVIDER_KEY = 'sk-upstream-policies';

async function chat(url: string, key: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const r = await postChat(url, key, extra, headers);
  return { status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as any };
}

function assertRefusal(r: Awaited<ReturnType<typeof chat>>, status: number, code: string, scope: string, limit?: number) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.error.code, code);
  assert.equal(r.body.error.scope, scope);
  if (limit !== undefined) assert.equal(r.body.error.limit, limit);
  if (status === 429) {
    assert.ok(Number(r.retryAfter) >= 1, 'Retry-After header');
    assert.ok(r.body.error.retry_after >= 1);
  }
}

for (const backend of ['memory', 'redis'] as const) {
  describe(`policies on the gateway (${backend} counters)`, () => {
    let o: TestOdock;
    let fake: FakeOpenAI;
    let s: SetupResult;
    let skip: string | undefined;

    before(async () => {
      if (backend === 'redis') skip = await needRedis();
      if (skip) return;
      fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
      o = await startOdock({ redis: backend === 'redis' });
      s = await setupKey(o, { baseUrl: fake.url, providerKey: PROVIDER_KEY });
    });
    after(async () => {
      await o?.close();
      await fake?.close();
    });

    /** A fresh key with these key policies, granted the model. */
    async function keyWith(policies: unknown): Promise<{ id: string; secret: string }> {
      const base = `/api/organisations/${s.orgId}/api-keys`;
      const k = await s.client.ok('POST', base, { type: 'ORGANISATION', policies });
      await s.client.ok('POST', `${base}/${k.id}/model-access`, { modelIds: [s.modelIds['gpt-4.1-mini']] });
      const { key } = await s.client.ok('POST', `${base}/${k.id}/reveal`);
      return { id: k.id, secret: key };
    }

    it('requests per minute and per second', async (t) => {
      if (skip) return t.skip(skip);
      const rpm = await keyWith({ ratelimit: { requests: { per_minute: 3 } } });
      for (let i = 0; i < 3; i++) assert.equal((await chat(o.url, rpm.secret)).status, 200);
      assertRefusal(await chat(o.url, rpm.secret), 429, 'rpm_exceeded', 'key', 3);
      const rps = await keyWith({ ratelimit: { requests: { per_second: 2 } } });
      const results = await Promise.all([1, 2, 3, 4].map(() => chat(o.url, rps.secret)));
      assert.equal(results.filter((r) => r.status === 200).length, 2);
      assertRefusal(results.find((r) => r.status === 429)!, 429, 'rps_exceeded', 'key', 2);
    });

    it('burst', async (t) => {
      if (skip) return t.skip(skip);
      // A bucket of 3 refilled every 10 s: the five parallel calls cannot straddle a refill on a loaded machine.
      const k = await keyWith({ ratelimit: { requests: { per_minute: 6, burst: 3 } } });
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => chat(o.url, k.secret)));
      assert.equal(results.filter((r) => r.status === 200).length, 3);
      assertRefusal(results.find((r) => r.status === 429)!, 429, 'burst_exceeded', 'key');
    });

    it('tokens per minute: reserved before the call, reconciled with real usage after it', async (t) => {
      if (skip) return t.skip(skip);
      // The fake reports 17 tokens per call; each call reserves max_tokens plus its input estimate (~6 here).
      const k = await keyWith({ ratelimit: { tokens: { per_minute: 50 } } });
      assert.equal((await chat(o.url, k.secret, { max_tokens: 25 })).status, 200); // 17 charged after reconcile
      assertRefusal(await chat(o.url, k.secret, { max_tokens: 40 }), 429, 'tpm_exceeded', 'key', 50);
      // 17 used + ~31 reserved fits only because the first reservation (~31) was refunded down to 17.
      assert.equal((await chat(o.url, k.secret, { max_tokens: 25 })).status, 200);
    });

    it('tokens per minute: a call asking for several answers (n) reserves the output budget once per answer', async (t) => {
      if (skip) return t.skip(skip);
      const k = await keyWith({ ratelimit: { tokens: { per_minute: 50 } } });
      // ~6 input + 3 × 20 output is over 50; one answer of 20 fits.
      assertRefusal(await chat(o.url, k.secret, { max_tokens: 20, n: 3 }), 429, 'tpm_exceeded', 'key', 50);
      assert.equal((await chat(o.url, k.secret, { max_tokens: 20 })).status, 200);
    });

    it('payload: max request bytes (413) and max_tokens (429)', async (t) => {
      if (skip) return t.skip(skip);
      const k = await keyWith({ ratelimit: { payload: { max_request_bytes: 300, max_tokens: 100 } } });
      assertRefusal(await chat(o.url, k.secret, { messages: [{ role: 'user', content: 'x'.repeat(1000) }] }), 413, 'payload_too_large', 'key', 300);
      assertRefusal(await chat(o.url, k.secret, { max_tokens: 500 }), 429, 'max_tokens_exceeded', 'key', 100);
      assert.equal((await chat(o.url, k.secret, { max_tokens: 50 })).status, 200);
    });

    it('concurrency: leases are released when calls end', async (t) => {
      if (skip) return t.skip(skip);
      const k = await keyWith({ ratelimit: { concurrency: { max: 1, lease_ttl_seconds: 30 } } });
      let release!: () => void;
      fake.next({ kind: 'hold', until: new Promise<void>((r) => (release = r)) });
      const seen = fake.requests.length;
      const first = chat(o.url, k.secret);
      // The first call holds its lease once the upstream has it, and keeps it until released.
      while (fake.requests.length === seen) await new Promise((r) => setTimeout(r, 5));
      assertRefusal(await chat(o.url, k.secret), 429, 'concurrency_exceeded', 'key', 1);
      release();
      assert.equal((await first).status, 200);
      assert.equal((await chat(o.url, k.secret)).status, 200);
    });

    it('scopes stack: team and model policies refuse and say so', async (t) => {
      if (skip) return t.skip(skip);
      const base = `/api/organisations/${s.orgId}`;
      const team = await s.client.ok('POST', `${base}/teams`, { name: `t-${backend}`, policies: { ratelimit: { requests: { per_minute: 1 } } } });
      const k = await s.client.ok('POST', `${base}/api-keys`, { type: 'TEAM', teamId: team.id, policies: { ratelimit: { requests: { per_minute: 100 } } } });
      await s.client.ok('POST', `${base}/api-keys/${k.id}/model-access`, { modelIds: [s.modelIds['gpt-4.1-mini']] });
      const { key } = await s.client.ok('POST', `${base}/api-keys/${k.id}/reveal`);
      assert.equal((await chat(o.url, key)).status, 200);
      assertRefusal(await chat(o.url, key), 429, 'rpm_exceeded', 'team', 1);

      const plain = await keyWith({});
      await s.client.ok('PATCH', `${base}/models/${s.modelIds['gpt-4.1-mini']}`, { policies: { ratelimit: { payload: { max_tokens: 10 } } } });
      assertRefusal(await chat(o.url, plain.secret, { max_tokens: 11 }), 429, 'max_tokens_exceeded', 'model', 10);
      await s.client.ok('PATCH', `${base}/models/${s.modelIds['gpt-4.1-mini']}`, { policies: {} });
      assert.equal((await chat(o.url, plain.secret, { max_tokens: 11 })).status, 200);
    });

    it('IP allow and block lists; X-Forwarded-For from an untrusted peer is ignored', async (t) => {
      if (skip) return t.skip(skip);
      const allowOther = await keyWith({ ip: { allowlist: ['10.0.0.0/8'] } });
      assertRefusal(await chat(o.url, allowOther.secret), 403, 'ip_not_allowed', 'key');
      assertRefusal(await chat(o.url, allowOther.secret, {}, { 'x-forwarded-for': '10.1.2.3' }), 403, 'ip_not_allowed', 'key');
      const blockMe = await keyWith({ ip: { blocklist: ['127.0.0.0/8'] } });
      assertRefusal(await chat(o.url, blockMe.secret, {}, { 'x-forwarded-for': '8.8.8.8' }), 403, 'ip_not_allowed', 'key');
      const allowMe = await keyWith({ ip: { allowlist: ['127.0.0.1/32', '::1/128'] } });
      assert.equal((await chat(o.url, allowMe.secret)).status, 200);
    });

    it('rejects invalid policies naming the field, and explains a dry run without consuming', async (t) => {
      if (skip) return t.skip(skip);
      const r = await s.client.patch(`/api/organisations/${s.orgId}/api-keys/${s.keyId}`, { policies: { ratelimit: { requests: { per_minute: -1 } } } });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'policies.ratelimit.requests.per_minute');
      const r2 = await s.client.patch(`/api/organisations/${s.orgId}/api-keys/${s.keyId}`, { policies: { ip: { allowlist: ['not-a-cidr'] } } });
      assert.equal(r2.status, 400);

      const k = await keyWith({ ratelimit: { requests: { per_minute: 1 } } });
      const explainPath = `/api/organisations/${s.orgId}/api-keys/${k.id}/policy-explain?modelId=${s.modelIds['gpt-4.1-mini']}`;
      for (let i = 0; i < 3; i++) assert.equal((await s.client.ok('GET', explainPath)).would_refuse, null);
      assert.equal((await chat(o.url, k.secret)).status, 200);
      const ex = await s.client.ok('GET', explainPath);
      assert.equal(ex.would_refuse.code, 'rpm_exceeded');
      assert.equal(ex.would_refuse.scope, 'key');
    });
  });
}

describe('policies over IPv6 and behind a trusted proxy', () => {
  let o: TestOdock;
  let fake: FakeOpenAI;
  let s: SetupResult;
  before(async () => {
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
    o = await startOdock({ env: { TRUSTED_PROXY_CIDRS: '127.0.0.1/32' } });
    s = await setupKey(o, { baseUrl: fake.url, providerKey: PROVIDER_KEY });
  });
  after(async () => {
    await o?.close();
    await fake?.close();
  });

  it('believes X-Forwarded-For only from a trusted proxy, IPv4 and IPv6 alike', async () => {
    const base = `/api/organisations/${s.orgId}/api-keys`;
    await s.client.ok('PATCH', `${base}/${s.keyId}`, { policies: { ip: { allowlist: ['10.0.0.0/8', '2001:db8::/32'] } } });
    assert.equal((await chat(o.url, s.secret, {}, { 'x-forwarded-for': '10.1.2.3' })).status, 200);
    assert.equal((await chat(o.url, s.secret, {}, { 'x-forwarded-for': '2001:db8::7' })).status, 200);
    assertRefusal(await chat(o.url, s.secret, {}, { 'x-forwarded-for': '2001:db9::7' }), 403, 'ip_not_allowed', 'key');
    assertRefusal(await chat(o.url, s.secret), 403, 'ip_not_allowed', 'key');
    await s.client.ok('PATCH', `${base}/${s.keyId}`, { policies: { ip: { blocklist: ['2001:db8::/32'] } } });
    assertRefusal(await chat(o.url, s.secret, {}, { 'x-forwarded-for': '2001:db8::1' }), 403, 'ip_not_allowed', 'key');
    assert.equal((await chat(o.url, s.secret, {}, { 'x-forwarded-for': '2001:db7::1' })).status, 200);
  });
});
