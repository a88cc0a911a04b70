import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { PrivateRedis, freePort, redisServerMissing } from '../helpers/private-redis.ts';

const probe = async (o: TestOdock, key: string) => {
  const r = await fetch(`${o.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
  return { status: r.status, body: (await r.json()) as any };
};

describe('Redis stopped and restarted under an instance', () => {
  let redis: PrivateRedis;
  let o: TestOdock;
  let s: SetupResult;
  const skip = redisServerMissing();
  before(async () => {
    if (skip) return;
    redis = new PrivateRedis(await freePort());
    await redis.start();
    o = await startOdock({ env: { REDIS_URL: redis.url } });
    s = await setupKey(o);
  });
  after(async () => {
    await o?.close();
    await redis?.stop();
  });

  it('keeps authenticating from the store, never accepts a revoked key, reports degradation, and recovers', async (t) => {
    if (skip) return t.skip(skip);
    assert.equal((await probe(o, s.secret)).status, 200);
    await redis.stop();
    await waitFor(() => !o.deps.bus.healthy, 5000);

    // No false 401 while Redis is gone.
    for (let i = 0; i < 5; i++) assert.equal((await probe(o, s.secret)).status, 200);
    const health = (await (await fetch(`${o.url}/v1/healthz`)).json()) as any;
    assert.equal(health.status, 'degraded');
    assert.equal(health.cache.ok, false);

    // A revoke while Redis is down is still effective at once.
    await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/revoke`);
    assert.equal((await probe(o, s.secret)).body.error.code, 'api_key_revoked');
    await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/unrevoke`);
    assert.equal((await probe(o, s.secret)).status, 200);

    // Redis comes back on the same address: picked up without a restart.
    await redis.start();
    await waitFor(() => o.deps.bus.healthy, 10_000, 50);
    assert.equal((await probe(o, s.secret)).status, 200);
    const after = (await (await fetch(`${o.url}/v1/healthz`)).json()) as any;
    assert.equal(after.status, 'ok');
    const metrics = await (await fetch(`${o.url}/metrics`)).text();
    assert.match(metrics, /odock_redis_up 1/);
  });
});
