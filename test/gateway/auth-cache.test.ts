import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { needRedis } from '../helpers/services.ts';
import { generateVirtualKey, hashKey } from '../../src/auth/key-format.ts';
import { nowIso } from '../../src/store/db.ts';

async function models(o: TestOdock, headers: Record<string, string>, query = '') {
  const r = await fetch(`${o.url}/v1/models${query}`, { headers });
  return { status: r.status, body: (await r.json()) as any };
}
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

for (const backend of ['memory', 'redis'] as const) {
  describe(`auth and the auth cache (${backend})`, () => {
    let o: TestOdock;
    let s: SetupResult;
    let skip: string | undefined;
    before(async () => {
      if (backend === 'redis') skip = await needRedis();
      if (skip) return;
      o = await startOdock({ redis: backend === 'redis' });
      s = await setupKey(o, { models: { 'gpt-4.1': { slug: 'gpt-4.1' }, 'gpt-4.1-mini': { slug: 'gpt-4.1-mini' } } });
    });
    after(async () => o?.close());

    it('accepts the key in Authorization: Bearer and X-API-Key, and lists only granted models', async (t) => {
      if (skip) return t.skip(skip);
      const a = await models(o, bearer(s.secret));
      assert.equal(a.status, 200);
      assert.deepEqual(a.body.data.map((m: any) => m.id).sort(), ['gpt-4.1', 'gpt-4.1-mini']);
      assert.equal((await models(o, { 'x-api-key': s.secret })).status, 200);
      // x-goog-api-key and ?key= are for the Gemini routes only.
      assert.equal((await models(o, { 'x-goog-api-key': s.secret })).status, 401);
    });

    it('rejects malformed credentials with 401 unauthorized without any lookup', async (t) => {
      if (skip) return t.skip(skip);
      await models(o, bearer(s.secret)); // warm
      const good = s.secret;
      const flipped = good.slice(0, 10) + (good[10] === 'A' ? 'B' : 'A') + good.slice(11);
      const bad = [
        '', 'Bearer', 'odk_', 'sk-not-an-odock-key', flipped, good.toLowerCase(), `${good}x`, 'x'.repeat(10_000),
        "' OR 1=1 --", 'odk_"; DROP TABLE api_keys; --', good.slice(0, -1) + 'é',
      ];
      const queriesBefore = o.deps.store.queryCount;
      for (const k of bad) {
        for (const headers of [{ authorization: `Bearer ${k}` }, { "x-api-key": k }] as Record<string, string>[]) {
          let r;
          try {
            r = await models(o, headers);
          } catch {
            continue; // fetch refuses non-ByteString header values: nothing reached the server
          }
          assert.equal(r.status, 401, `credential ${JSON.stringify(k.slice(0, 40))}`);
          assert.equal(r.body.error.code, 'unauthorized');
          assert.ok(!JSON.stringify(r.body).includes(good));
        }
      }
      assert.equal((await models(o, {})).body.error.code, 'unauthorized');
      assert.equal(o.deps.store.queryCount, queriesBefore, 'a malformed key must not reach the store');
    });

    it('answers a warm request without SQL', async (t) => {
      if (skip) return t.skip(skip);
      await models(o, bearer(s.secret));
      const before = o.deps.store.queryCount;
      for (let i = 0; i < 20; i++) assert.equal((await models(o, bearer(s.secret))).status, 200);
      assert.equal(o.deps.store.queryCount, before);
    });

    it('refuses a revoked key on the very next request, and takes it back on unrevoke', async (t) => {
      if (skip) return t.skip(skip);
      assert.equal((await models(o, bearer(s.secret))).status, 200);
      await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/revoke`);
      const r = await models(o, bearer(s.secret));
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, 'api_key_revoked');
      await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/unrevoke`);
      assert.equal((await models(o, bearer(s.secret))).status, 200);
    });

    it('rotation: the old secret is refused, the new one works with the same grants', async (t) => {
      if (skip) return t.skip(skip);
      const old = s.secret;
      assert.equal((await models(o, bearer(old))).status, 200);
      await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/rotate`, {});
      const { key } = await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/reveal`);
      assert.notEqual(key, old);
      assert.equal((await models(o, bearer(old))).body.error.code, 'unauthorized');
      const r = await models(o, bearer(key));
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.data.map((m: any) => m.id).sort(), ['gpt-4.1', 'gpt-4.1-mini']);
      s.secret = key;
    });

    it('removing a grant takes effect on the next request', async (t) => {
      if (skip) return t.skip(skip);
      await models(o, bearer(s.secret));
      await s.client.ok('DELETE', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/model-access/${s.modelIds['gpt-4.1']}`);
      assert.deepEqual((await models(o, bearer(s.secret))).body.data.map((m: any) => m.id), ['gpt-4.1-mini']);
      await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/model-access`, { modelIds: [s.modelIds['gpt-4.1']] });
      assert.equal((await models(o, bearer(s.secret))).body.data.length, 2);
    });

    it('a key whose hash was negatively cached works as soon as it exists', async (t) => {
      if (skip) return t.skip(skip);
      const secret = generateVirtualKey();
      assert.equal((await models(o, bearer(secret))).status, 401); // cached as unknown
      const now = nowIso();
      const id = `imported-${Date.now()}`;
      await o.deps.store.db.insertInto('api_keys').values({
        id, organisation_id: s.orgId, type: 'ORGANISATION', team_id: null, user_id: null, name: 'imported', key_hash: hashKey(secret),
        key_last4: secret.slice(-4), pending_secret: null, expiry: null, expiry_local: null, timezone: 'UTC', revealed: 1, revoked: 0,
        policies: '{}', created_by: null, created_at: now, updated_at: now, last_used_at: null,
      }).execute();
      // What the create route does after inserting: drop the hash everywhere.
      await o.deps.invalidate({ kind: 'hash', hash: hashKey(secret) });
      assert.equal((await models(o, bearer(secret))).status, 200);
    });

    it('expiry: a cached key stops working when it expires', async (t) => {
      if (skip) return t.skip(skip);
      const k = await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys`, { type: 'ORGANISATION', expiry: new Date(Date.now() + 1500).toISOString() });
      const { key } = await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${k.id}/reveal`);
      assert.equal((await models(o, bearer(key))).status, 200);
      await new Promise((r) => setTimeout(r, 1700));
      const r = await models(o, bearer(key));
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, 'api_key_expired');
    });

    it('never puts the key or its hash in error bodies or metrics', async (t) => {
      if (skip) return t.skip(skip);
      await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/revoke`);
      const r = await fetch(`${o.url}/v1/models`, { headers: bearer(s.secret) });
      const text = await r.text();
      await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/unrevoke`);
      const metrics = await (await fetch(`${o.url}/metrics`)).text();
      for (const hay of [text, metrics]) {
        assert.ok(!hay.includes(s.secret));
        assert.ok(!hay.includes(hashKey(s.secret)));
      }
      assert.match(metrics, /odock_auth_cache_total\{tier="l1",result="hit"\}/);
    });
  });
}

describe('auth across two instances on one Redis', () => {
  let a: TestOdock;
  let b: TestOdock;
  let s: SetupResult;
  let skip: string | undefined;
  before(async () => {
    skip = await needRedis();
    if (skip) return;
    a = await startOdock({ dialect: 'sqlite', redis: true });
    b = await startOdock({ shareWith: a, env: { DATABASE_URL: a.env.DATABASE_URL } });
    s = await setupKey(a);
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  it('a revoke through instance A is refused by instance B before A answers', async (t) => {
    if (skip) return t.skip(skip);
    assert.equal((await models(b, bearer(s.secret))).status, 200); // B's L1 is warm
    assert.equal((await models(b, bearer(s.secret))).status, 200);
    await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/revoke`);
    assert.equal((await models(b, bearer(s.secret))).body.error?.code, 'api_key_revoked');
    await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/unrevoke`);
    assert.equal((await models(b, bearer(s.secret))).status, 200);
  });

  it('both instances report a healthy invalidation bus', async (t) => {
    if (skip) return t.skip(skip);
    await waitFor(() => a.deps.bus.healthy && b.deps.bus.healthy);
    const h = (await (await fetch(`${b.url}/v1/healthz`)).json()) as any;
    assert.equal(h.status, 'ok');
    assert.equal(h.cache.backend, 'redis');
  });
});
