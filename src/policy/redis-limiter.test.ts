import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RedisLimiter } from './redis-limiter.ts';
import { runLimiterStoreSuite } from './testing/limiter-store.suite.ts';
import { deletePrefix, sharedRedisOrSkip, uniquePrefix } from './testing/redis-test-helper.ts';

const { redis, skip } = await sharedRedisOrSkip();
after(() => redis?.disconnect());

runLimiterStoreSuite('redis', async (clock) => {
  const prefix = uniquePrefix('suite');
  return { store: new RedisLimiter({ redis: redis!, prefix, now: clock.now }), cleanup: () => deletePrefix(redis!, prefix) };
}, { skip });

describe('RedisLimiter on the Redis clock', { skip }, () => {
  it('uses Redis TIME when no clock is given, and leases vanish by real TTL', async () => {
    const prefix = uniquePrefix('time');
    const store = new RedisLimiter({ redis: redis!, prefix });
    const lease = { kind: 'lease', key: 'conc', max: 1, ttlMs: 300 } as const;
    const r = await store.acquire([lease], 'a');
    assert.ok(r.ok);
    const [sec] = await redis!.time();
    assert.ok(Math.abs(r.at - Number(sec) * 1000) < 5_000, 'acquire reports the Redis server time');
    assert.equal((await store.acquire([lease], 'b')).ok, false);
    await new Promise((res) => setTimeout(res, 400));
    assert.equal((await store.acquire([lease], 'b')).ok, true);
    await deletePrefix(redis!, prefix);
  });

  it('keys carry a TTL so idle counters do not pile up in Redis', async () => {
    const prefix = uniquePrefix('ttl');
    const store = new RedisLimiter({ redis: redis!, prefix });
    await store.acquire([{ kind: 'window', key: 'rpm', limit: 5, windowMs: 60_000, cost: 1 }, { kind: 'bucket', key: 'b', capacity: 5, refillPerSec: 1 }], 'a');
    const ttlW = await redis!.pttl(`${prefix}rpm`);
    const ttlB = await redis!.pttl(`${prefix}b`);
    assert.ok(ttlW > 0 && ttlW <= 120_000, `window ttl ${ttlW}`);
    assert.ok(ttlB > 0 && ttlB <= 6_000, `bucket ttl ${ttlB}`);
    await deletePrefix(redis!, prefix);
  });
});
