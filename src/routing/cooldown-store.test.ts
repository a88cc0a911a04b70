import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { MemoryCooldownStore, type CooldownStore } from './cooldown-store.ts';
import { RedisCooldownStore } from './redis-cooldown-store.ts';
import { REDIS_URL, needRedis, uniquePrefix } from '../../test/helpers/services.ts';

/** One behavioural suite for every CooldownStore: what callers rely on, whatever holds the state. */
function suite(name: string, make: () => Promise<CooldownStore | string>) {
  describe(`CooldownStore: ${name}`, () => {
    const now = Date.now();

    it('a key rests until its end, then is free again', async (t) => {
      const s = await make();
      if (typeof s === 'string') return t.skip(s);
      await s.coolDown('d1', now + 10_000);
      assert.deepEqual(await s.coolingUntil(['d1', 'd2'], now), [now + 10_000, null]);
      assert.deepEqual(await s.coolingUntil(['d1'], now + 10_001), [null]);
    });

    it('a shorter rest never cuts a longer one', async (t) => {
      const s = await make();
      if (typeof s === 'string') return t.skip(s);
      await s.coolDown('d1', now + 20_000);
      await s.coolDown('d1', now + 5_000);
      assert.deepEqual(await s.coolingUntil(['d1'], now), [now + 20_000]);
      await s.coolDown('d1', now + 30_000);
      assert.deepEqual(await s.coolingUntil(['d1'], now), [now + 30_000]);
    });

    it('health counts recent outcomes per key and reports the rest', async (t) => {
      const s = await make();
      if (typeof s === 'string') return t.skip(s);
      await s.recordOutcome('d1', true, now);
      await s.recordOutcome('d1', true, now);
      await s.recordOutcome('d1', false, now);
      await s.coolDown('d1', now + 1000);
      const [h1, h2] = await s.health(['d1', 'd2'], now);
      assert.deepEqual(h1, { key: 'd1', coolingUntil: now + 1000, recentOk: 2, recentErrors: 1 });
      assert.deepEqual(h2, { key: 'd2', coolingUntil: null, recentOk: 0, recentErrors: 0 });
      // Outcomes older than the window no longer count.
      const [later] = await s.health(['d1'], now + 10 * 60_000);
      assert.equal(later.recentOk + later.recentErrors, 0);
    });

    it('arguments and results are plain JSON values', async (t) => {
      const s = await make();
      if (typeof s === 'string') return t.skip(s);
      await s.coolDown('d9', now + 1000);
      const out = { until: await s.coolingUntil(['d9'], now), health: await s.health(['d9'], now) };
      assert.deepEqual(JSON.parse(JSON.stringify(out)), out);
    });
  });
}

suite('memory', async () => new MemoryCooldownStore());

const clients: Redis[] = [];
after(() => clients.forEach((c) => c.disconnect()));
suite('redis', async () => {
  const skip = await needRedis();
  if (skip) return skip;
  const c = new Redis(REDIS_URL, { lazyConnect: false });
  clients.push(c);
  return new RedisCooldownStore(c, uniquePrefix());
});

describe('RedisCooldownStore across instances', () => {
  it('a rest set by one instance is seen by another on the same Redis', async (t) => {
    const skip = await needRedis();
    if (skip) return t.skip(skip);
    const prefix = uniquePrefix();
    const [c1, c2] = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
    clients.push(c1, c2);
    const one = new RedisCooldownStore(c1, prefix);
    const two = new RedisCooldownStore(c2, prefix);
    const now = Date.now();
    await one.coolDown('shared', now + 60_000);
    assert.deepEqual(await two.coolingUntil(['shared'], now), [now + 60_000]);
  });
});
