import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PolicyEngine } from './policy-engine.ts';
import { RedisLimiter } from './redis-limiter.ts';
import { refusal, stack } from './testing/policy-engine.suite.ts';
import { connectRedis, waitReady } from './testing/redis-test-helper.ts';
import { RedisProcess, freePort } from './testing/redis-server-process.ts';

const ctx = { clientIp: '10.0.0.1' };

describe('Redis unreachable (a dead port)', async () => {
  const dead = connectRedis(`redis://127.0.0.1:${await freePort()}`);
  after(() => dead.disconnect());

  it('local (default): keeps serving with per-instance limits and reports the degradation once', async () => {
    const events: boolean[] = [];
    const errors: Error[] = [];
    const engine = new PolicyEngine({
      store: new RedisLimiter({ redis: dead, prefix: 'dead:' }),
      onDegradedChange: (d) => events.push(d),
      onStoreError: (e) => errors.push(e),
    });
    const scopes = stack({ key: { ratelimit: { requests: { per_minute: 2 }, concurrency: { max: 1 } } } });
    const h = await engine.check(scopes, ctx);
    assert.equal(engine.degraded, true);
    await refusal(engine.check(scopes, ctx), 'concurrency_exceeded');
    await h.complete(); // released on the store it was taken from
    const h2 = await engine.check(scopes, ctx);
    await h2.complete();
    await refusal(engine.check(scopes, ctx), 'rpm_exceeded');
    assert.deepEqual(events, [true]);
    assert.ok(errors.length >= 3 && errors.every((e) => e.name === 'LimiterUnavailableError'));
    const x = await engine.explain(scopes, ctx);
    assert.equal(x.store, 'memory');
    assert.equal(x.degraded, true);
  });

  it('policies that need no counters still apply, and no-policy traffic never touches Redis', async () => {
    const engine = new PolicyEngine({ store: new RedisLimiter({ redis: dead }) });
    await engine.check(stack({}), ctx);
    assert.equal(engine.degraded, false);
    await refusal(engine.check(stack({ org: { ip: { blocklist: ['10.0.0.0/8'] } } }), ctx), 'ip_not_allowed');
  });

  it('closed: refuses with 503 store_unavailable instead', async () => {
    const engine = new PolicyEngine({ store: new RedisLimiter({ redis: dead }), redisFailure: 'closed' });
    const e = await refusal(engine.check(stack({ key: { ratelimit: { requests: { per_minute: 100 } } } }), ctx), 'store_unavailable');
    assert.equal(e.status, 503);
    assert.equal(e.headers['Retry-After'], '1');
    assert.equal(engine.degraded, true);
  });
});

const haveRedisServer = spawnSync('redis-server', ['--version']).status === 0;

describe('Redis stopped and restarted under the engine', { skip: haveRedisServer ? undefined : 'redis-server binary not installed' }, () => {
  it('falls back while Redis is down and returns to shared counters when it is back', async () => {
    const server = new RedisProcess(await freePort());
    await server.start();
    const redis = connectRedis(server.url);
    try {
      assert.ok(await waitReady(redis));
      const events: boolean[] = [];
      const engine = new PolicyEngine({ store: new RedisLimiter({ redis, prefix: 'restart:' }), onDegradedChange: (d) => events.push(d) });
      const scopes = stack({ key: { ratelimit: { requests: { per_minute: 1000 } } } });
      await engine.check(scopes, ctx);
      assert.equal((await engine.explain(scopes, ctx)).store, 'redis');

      await server.stop();
      await engine.check(scopes, ctx);
      assert.equal(engine.degraded, true);

      await server.start();
      assert.ok(await waitReady(redis, 5000), 'ioredis reconnects by itself');
      await engine.check(scopes, ctx); // the script is reloaded after NOSCRIPT
      assert.equal(engine.degraded, false);
      assert.deepEqual(events, [true, false]);
      const x = await engine.explain(scopes, ctx);
      assert.equal(x.store, 'redis');
      assert.equal(x.policies[0].current, 1, 'the restarted Redis counts from scratch');
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });
});
