import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../errors/index.ts';
import { PolicyEngine } from './policy-engine.ts';
import { RedisLimiter } from './redis-limiter.ts';
import { refusal, stack } from './testing/policy-engine.suite.ts';
import { connectRedis, deletePrefix, sharedRedisOrSkip, uniquePrefix, waitReady } from './testing/redis-test-helper.ts';

/**
 * Two gateway instances = two connections, two limiters, two engines on one Redis, each on the
 * Redis server's own clock (no injected time), as in production.
 */
const { redis: shared, skip } = await sharedRedisOrSkip();
after(() => shared?.disconnect());

async function instances(prefix: string) {
  const conns = [connectRedis(), connectRedis()];
  for (const c of conns) assert.ok(await waitReady(c));
  const engines = conns.map((redis, i) => new PolicyEngine({ store: new RedisLimiter({ redis, prefix }), instanceId: `gw${i}`, redisFailure: 'closed' }));
  return { conns, engines, close: () => conns.forEach((c) => c.disconnect()) };
}

/** A sliding minute is exact while the previous minute is empty; keep the burst inside one minute. */
async function awayFromMinuteEdge(): Promise<void> {
  const [sec] = await shared!.time();
  const s = Number(sec) % 60;
  if (s >= 55) await new Promise((r) => setTimeout(r, (61 - s) * 1000));
}

describe('two instances sharing one Redis', { skip }, () => {
  it('a per-minute limit is global: the sum of successes over both instances equals the limit', async () => {
    const prefix = uniquePrefix('rpm2');
    const { engines, close } = await instances(prefix);
    try {
      await awayFromMinuteEdge();
      const limit = 25;
      const scopes = stack({ key: { ratelimit: { requests: { per_minute: limit } } } });
      const results = await Promise.allSettled(Array.from({ length: 3 * limit }, (_, i) => engines[i % 2].check(scopes, { clientIp: '10.0.0.1' })));
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof GatewayError && r.reason.code === 'rpm_exceeded').length;
      assert.equal(ok, limit);
      assert.equal(refused, 2 * limit);
      assert.equal(engines[0].degraded || engines[1].degraded, false);
    } finally {
      close();
      await deletePrefix(shared!, prefix);
    }
  });

  it('tokens per minute are global: a reservation on one instance counts on the other, and so does its refund', async () => {
    const prefix = uniquePrefix('tpm2');
    const { engines, close } = await instances(prefix);
    try {
      await awayFromMinuteEdge();
      const scopes = stack({ org: { ratelimit: { tokens: { per_minute: 1000 } } } });
      const c = { inputTokens: 400, maxTokens: 200 };
      const h = await engines[0].check(scopes, c);
      await refusal(engines[1].check(scopes, c), 'tpm_exceeded');
      await h.complete({ totalTokens: 100 });
      await engines[1].check(scopes, c);
    } finally {
      close();
      await deletePrefix(shared!, prefix);
    }
  });

  it('concurrency leases are global, and a released lease frees a slot for the other instance', async () => {
    const prefix = uniquePrefix('conc2');
    const { engines, close } = await instances(prefix);
    try {
      const scopes = stack({ model: { ratelimit: { concurrency: { max: 3, lease_ttl_seconds: 60 } } } });
      const a1 = await engines[0].check(scopes, {});
      await engines[0].check(scopes, {});
      await engines[1].check(scopes, {});
      const e = await refusal(engines[1].check(scopes, {}), 'concurrency_exceeded');
      assert.equal(e.extra.scope, 'model');
      await refusal(engines[0].check(scopes, {}), 'concurrency_exceeded');
      await a1.complete();
      await engines[1].check(scopes, {});
      await engines[0].releaseAll();
      await engines[1].releaseAll();
      await engines[0].check(scopes, {});
    } finally {
      close();
      await deletePrefix(shared!, prefix);
    }
  });

  it('the leases of an instance that died free themselves after lease_ttl_seconds', async () => {
    const prefix = uniquePrefix('crash');
    const { conns, engines, close } = await instances(prefix);
    try {
      const scopes = stack({ key: { ratelimit: { concurrency: { max: 1, lease_ttl_seconds: 1 } } } });
      await engines[0].check(scopes, {});
      conns[0].disconnect(); // instance 0 is gone without releasing anything
      await refusal(engines[1].check(scopes, {}), 'concurrency_exceeded');
      await new Promise((r) => setTimeout(r, 1100));
      const h = await engines[1].check(scopes, {});
      await h.complete();
    } finally {
      close();
      await deletePrefix(shared!, prefix);
    }
  });
});
