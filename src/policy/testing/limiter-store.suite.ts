import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { LimitCheck, LimiterStore } from '../limiter-store.ts';

/** A minute boundary, so tests know where windows start. */
export const T0 = 60_000 * 28_333_334;

export interface Clock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function fakeClock(start = T0): Clock {
  let t = start;
  return { now: () => t, set: (ms) => { t = ms; }, advance: (ms) => { t += ms; } };
}

export interface SuiteTarget {
  store: LimiterStore;
  cleanup?: () => Promise<void>;
}

/**
 * The behaviour every LimiterStore must have, run against the in-process and the Redis
 * implementation alike (memory-limiter.test.ts, redis-limiter.test.ts).
 */
export function runLimiterStoreSuite(name: string, make: (clock: Clock) => Promise<SuiteTarget>, opts: { skip?: string } = {}): void {
  describe(`LimiterStore behaviour: ${name}`, { skip: opts.skip }, () => {
    let clock: Clock;
    let target: SuiteTarget;
    let store: LimiterStore;
    beforeEach(async () => {
      clock = fakeClock(T0 + 1);
      target = await make(clock);
      store = target.store;
    });
    afterEach(async () => { await target.cleanup?.(); });

    const rpm = (limit: number, key = 'k:rpm'): LimitCheck => ({ kind: 'window', key, limit, windowMs: 60_000, cost: 1 });

    it('a window admits exactly its limit and names the refusing check', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await store.acquire([rpm(3)], `l${i}`)).ok, true);
      const r = await store.acquire([rpm(3)], 'l4');
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.index, 0);
        assert.ok(r.retryAfterMs > 0 && r.retryAfterMs <= 120_000, `retry ${r.retryAfterMs}`);
      }
    });

    it('the window slides: the previous minute still weighs, two minutes later it is forgotten', async () => {
      for (let i = 0; i < 4; i++) await store.acquire([rpm(4)], 'x');
      clock.advance(60_000 + 15_000); // 15 s into the next window: 3/4 of the old count still counts
      const [s] = await store.peek([rpm(4)]);
      assert.equal(s.used, 2); // 4 × 45/60 = 3 → floor of 2.99…
      assert.equal((await store.acquire([rpm(4)], 'y')).ok, true);
      assert.equal((await store.acquire([rpm(4)], 'z')).ok, false);
      clock.advance(120_000);
      for (let i = 0; i < 4; i++) assert.equal((await store.acquire([rpm(4)], `n${i}`)).ok, true);
    });

    it('a cost reserves several units (tokens per minute)', async () => {
      const tpm = (cost: number): LimitCheck => ({ kind: 'window', key: 'k:tpm', limit: 100, windowMs: 60_000, cost });
      assert.equal((await store.acquire([tpm(40)], 'a')).ok, true);
      assert.equal((await store.acquire([tpm(60)], 'b')).ok, true);
      assert.equal((await store.acquire([tpm(1)], 'c')).ok, false);
    });

    it('all or nothing: a refusal by a later check consumes nothing of the earlier ones', async () => {
      const wide = rpm(5, 'org:rpm');
      const narrow = rpm(1, 'key:rpm');
      assert.equal((await store.acquire([wide, narrow], 'a')).ok, true);
      const r = await store.acquire([wide, narrow], 'b');
      assert.deepEqual(r.ok ? null : r.index, 1);
      const [w] = await store.peek([wide]);
      assert.equal(w.used, 1);
    });

    it('peek consumes nothing', async () => {
      for (let i = 0; i < 5; i++) await store.peek([rpm(1)]);
      assert.equal((await store.acquire([rpm(1)], 'a')).ok, true);
      const [s] = await store.peek([rpm(1)]);
      assert.deepEqual(s.ok, false);
      assert.equal(s.used, 1);
    });

    it('a token bucket admits its burst, then refills at its rate', async () => {
      const b: LimitCheck = { kind: 'bucket', key: 'k:burst', capacity: 3, refillPerSec: 2 };
      for (let i = 0; i < 3; i++) assert.equal((await store.acquire([b], `b${i}`)).ok, true);
      const r = await store.acquire([b], 'b3');
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.retryAfterMs, 500);
      clock.advance(500);
      assert.equal((await store.acquire([b], 'b4')).ok, true);
      assert.equal((await store.acquire([b], 'b5')).ok, false);
      clock.advance(10_000); // refills to capacity, never beyond
      for (let i = 0; i < 3; i++) assert.equal((await store.acquire([b], `c${i}`)).ok, true);
      assert.equal((await store.acquire([b], 'c3')).ok, false);
    });

    it('concurrency leases: max held at once, release frees a slot', async () => {
      const l: LimitCheck = { kind: 'lease', key: 'k:conc', max: 2, ttlMs: 30_000 };
      assert.equal((await store.acquire([l], 'lease-1')).ok, true);
      assert.equal((await store.acquire([l], 'lease-2')).ok, true);
      assert.equal((await store.acquire([l], 'lease-3')).ok, false);
      await store.finish({ adjustments: [], leaseKeys: ['k:conc'], leaseId: 'lease-1' });
      assert.equal((await store.acquire([l], 'lease-3')).ok, true);
      const [s] = await store.peek([l]);
      assert.equal(s.used, 2);
    });

    it('leases expire after their TTL (an instance that crashed frees its slots)', async () => {
      const l: LimitCheck = { kind: 'lease', key: 'k:conc', max: 1, ttlMs: 30_000 };
      assert.equal((await store.acquire([l], 'crashed')).ok, true);
      clock.advance(29_000);
      assert.equal((await store.acquire([l], 'other')).ok, false);
      clock.advance(1_000);
      assert.equal((await store.acquire([l], 'other')).ok, true);
    });

    it('renewing a held lease keeps it past its first TTL; an expired one is not revived', async () => {
      const l: LimitCheck = { kind: 'lease', key: 'k:conc', max: 1, ttlMs: 30_000 };
      await store.acquire([l], 'long-stream');
      clock.advance(20_000);
      await store.renew(['k:conc'], 'long-stream', 30_000);
      clock.advance(20_000);
      assert.equal((await store.acquire([l], 'other')).ok, false);
      clock.advance(11_000);
      await store.renew(['k:conc'], 'long-stream', 30_000);
      assert.equal((await store.acquire([l], 'other')).ok, true);
    });

    it('finish refunds an over-reservation and charges an under-reservation', async () => {
      const tpm = (cost: number): LimitCheck => ({ kind: 'window', key: 'k:tpm', limit: 1000, windowMs: 60_000, cost });
      const r = await store.acquire([tpm(500)], 'a');
      assert.ok(r.ok);
      await store.finish({ adjustments: [{ key: 'k:tpm', windowMs: 60_000, at: r.at, delta: -380 }], leaseKeys: [], leaseId: 'a' });
      assert.equal((await store.peek([tpm(0)]))[0].used, 120);
      const r2 = await store.acquire([tpm(100)], 'b');
      assert.ok(r2.ok);
      await store.finish({ adjustments: [{ key: 'k:tpm', windowMs: 60_000, at: r2.at, delta: 250 }], leaseKeys: [], leaseId: 'b' });
      assert.equal((await store.peek([tpm(0)]))[0].used, 470);
      // A refund never drives the counter below zero.
      await store.finish({ adjustments: [{ key: 'k:tpm', windowMs: 60_000, at: r2.at, delta: -5000 }], leaseKeys: [], leaseId: 'b' });
      assert.equal((await store.peek([tpm(0)]))[0].used, 0);
    });

    it('a refund after the window rolled over lands in the window that was charged', async () => {
      const tpm = (cost: number): LimitCheck => ({ kind: 'window', key: 'k:tpm', limit: 1000, windowMs: 60_000, cost });
      const r = await store.acquire([tpm(800)], 'a');
      assert.ok(r.ok);
      clock.set(T0 + 60_000); // the reservation is now in the previous window, still at full weight
      await store.acquire([tpm(10)], 'b');
      await store.finish({ adjustments: [{ key: 'k:tpm', windowMs: 60_000, at: r.at, delta: -600 }], leaseKeys: [], leaseId: 'a' });
      assert.equal((await store.peek([tpm(0)]))[0].used, 210);
    });

    it('a long call whose reservation window is gone charges its overrun to the current window', async () => {
      const tpm = (cost: number): LimitCheck => ({ kind: 'window', key: 'k:tpm', limit: 1000, windowMs: 60_000, cost });
      const r = await store.acquire([tpm(100)], 'a');
      assert.ok(r.ok);
      clock.advance(180_000);
      await store.finish({ adjustments: [{ key: 'k:tpm', windowMs: 60_000, at: r.at, delta: 300 }], leaseKeys: [], leaseId: 'a' });
      assert.equal((await store.peek([tpm(0)]))[0].used, 300);
    });

    it('keys are independent', async () => {
      assert.equal((await store.acquire([rpm(1, 'key:a:rpm')], 'a')).ok, true);
      assert.equal((await store.acquire([rpm(1, 'key:b:rpm')], 'b')).ok, true);
      assert.equal((await store.acquire([rpm(1, 'key:a:rpm')], 'c')).ok, false);
    });
  });
}
