import { after, test } from 'node:test';
import { MemoryLimiter } from './memory-limiter.ts';
import { PolicyEngine } from './policy-engine.ts';
import { RedisLimiter } from './redis-limiter.ts';
import { fakeClock } from './testing/limiter-store.suite.ts';
import { refusal, runPolicyEngineSuite, stack } from './testing/policy-engine.suite.ts';
import { deletePrefix, sharedRedisOrSkip, uniquePrefix } from './testing/redis-test-helper.ts';

runPolicyEngineSuite('the in-process store', async (clock) => ({ store: new MemoryLimiter({ now: clock.now }) }));

const { redis, skip } = await sharedRedisOrSkip();
after(() => redis?.disconnect());

runPolicyEngineSuite('Redis', async (clock) => {
  const prefix = uniquePrefix('engine');
  return { store: new RedisLimiter({ redis: redis!, prefix, now: clock.now }), cleanup: () => deletePrefix(redis!, prefix) };
}, { skip });

test('a call that outlives its lease TTL keeps its slot: the engine renews the lease while it runs', async () => {
  const clock = fakeClock();
  const engine = new PolicyEngine({ store: new MemoryLimiter({ now: clock.now }) });
  const scopes = stack({ key: { ratelimit: { concurrency: { max: 1, lease_ttl_seconds: 1 } } } });
  const h = await engine.check(scopes, {});
  clock.advance(900);
  await new Promise((r) => setTimeout(r, 700)); // the renewal timer runs every TTL/2 (500 ms)
  clock.advance(900); // 1.8 s after acquiring: without renewal the lease would be gone
  await refusal(engine.check(scopes, {}), 'concurrency_exceeded');
  await h.complete();
  const next = await engine.check(scopes, {});
  await next.complete();
});
