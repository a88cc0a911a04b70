import { after } from 'node:test';
import { MemoryLimiter } from './memory-limiter.ts';
import { RedisLimiter } from './redis-limiter.ts';
import { runPolicyEngineSuite } from './testing/policy-engine.suite.ts';
import { deletePrefix, sharedRedisOrSkip, uniquePrefix } from './testing/redis-test-helper.ts';

runPolicyEngineSuite('the in-process store', async (clock) => ({ store: new MemoryLimiter({ now: clock.now }) }));

const { redis, skip } = await sharedRedisOrSkip();
after(() => redis?.disconnect());

runPolicyEngineSuite('Redis', async (clock) => {
  const prefix = uniquePrefix('engine');
  return { store: new RedisLimiter({ redis: redis!, prefix, now: clock.now }), cleanup: () => deletePrefix(redis!, prefix) };
}, { skip });
