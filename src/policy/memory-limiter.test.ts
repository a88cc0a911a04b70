import { it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryLimiter } from './memory-limiter.ts';
import { fakeClock, runLimiterStoreSuite } from './testing/limiter-store.suite.ts';

runLimiterStoreSuite('memory', async (clock) => ({ store: new MemoryLimiter({ now: clock.now }) }));

it('memory limiter forgets idle keys, so its map stays bounded', async () => {
  const clock = fakeClock();
  const m = new MemoryLimiter({ now: clock.now });
  for (let i = 0; i < 100; i++) await m.acquire([{ kind: 'window', key: `k${i}`, limit: 10, windowMs: 1000, cost: 1 }], 'l');
  assert.equal(m.size, 100);
  clock.advance(60_000);
  await m.acquire([{ kind: 'window', key: 'fresh', limit: 10, windowMs: 1000, cost: 1 }], 'l');
  assert.equal(m.size, 1);
});
