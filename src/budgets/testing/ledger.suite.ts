import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BudgetLedger, HoldRef, LedgerCounter } from '../budget-ledger.ts';

export interface LedgerClock {
  now: () => number;
  advance(ms: number): void;
}

export interface LedgerTarget {
  ledger: BudgetLedger;
  /** Loses every counter, as a restart (memory) or a FLUSH (Redis) does. */
  wipe(): Promise<void>;
  cleanup?: () => Promise<void>;
}

const counter = (key: string, limit: number, amount: number, extra: Partial<LedgerCounter> = {}): LedgerCounter => ({ key, limit, amount, enforce: true, ttlMs: 600_000, base: 0, ...extra });

/** The behaviour every BudgetLedger must have (memory-ledger.test.ts, redis-ledger.test.ts). */
export function runLedgerSuite(name: string, make: (clock: LedgerClock) => Promise<LedgerTarget>, opts: { skip?: string } = {}): void {
  describe(`BudgetLedger behaviour: ${name}`, { skip: opts.skip }, () => {
    let t: LedgerTarget;
    let ledger: BudgetLedger;
    let clock: LedgerClock;
    let n = 0;
    const hold = (ttlMs = 60_000): HoldRef => ({ id: `call-${++n}`, ttlMs });
    /** Reserves on the counters for one new call; answers the result and the call's hold id. */
    const reserve = async (counters: LedgerCounter[], ttlMs?: number) => {
      const h = hold(ttlMs);
      return { ...(await ledger.reserve(counters, h)), holdId: h.id };
    };
    const settle = (key: string, holdId: string, actual: number) => ledger.settle([{ key, holdId, actual, ttlMs: 600_000 }]);
    beforeEach(async () => {
      let now = 1_800_000_000_000;
      clock = { now: () => now, advance: (ms) => { now += ms; } };
      t = await make(clock);
      ledger = t.ledger;
    });
    afterEach(async () => { await t.cleanup?.(); });

    it('reserves up to the limit and refuses the call that would pass it, naming the counter', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await reserve([counter('b', 30, 10)])).ok, true);
      const r = await ledger.reserve([counter('a', 100, 1), counter('b', 30, 10)], hold());
      assert.deepEqual(r, { ok: false, reason: 'exceeded', index: 1, state: { spent: 0, reserved: 30 } });
      // Nothing was taken on the counter that had room.
      assert.deepEqual(await ledger.peek(['a']), [{ spent: 0, reserved: 0 }]);
    });

    it('50 parallel reservations against a limit that admits 10: exactly 10 pass', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => ledger.reserve([counter('c', 100, 10)], hold())));
      assert.equal(results.filter((r) => r.ok).length, 10);
      assert.deepEqual(await ledger.peek(['c']), [{ spent: 0, reserved: 100 }]);
    });

    it('settle moves the reservation to spent at the real amount; release gives it back', async () => {
      const a = await reserve([counter('s', 100, 40)]);
      const b = await reserve([counter('s', 100, 40)]);
      assert.deepEqual(await settle('s', a.holdId, 25), [{ before: 0, after: 25 }]);
      assert.deepEqual(await settle('s', b.holdId, 0), [{ before: 25, after: 25 }]);
      assert.deepEqual(await ledger.peek(['s']), [{ spent: 25, reserved: 0 }]);
      // 75 left: a 70 call fits, another 10 does not.
      assert.equal((await reserve([counter('s', 100, 70)])).ok, true);
      assert.equal((await reserve([counter('s', 100, 10)])).ok, false);
    });

    it('a call that reserved nothing settles at what it consumed', async () => {
      const z = await reserve([counter('z', 100, 0)]);
      assert.deepEqual(await settle('z', z.holdId, 7), [{ before: 0, after: 7 }]);
    });

    it('an exhausted counter refuses even a free call; an unenforced one never refuses', async () => {
      const x = await reserve([counter('x', 10, 10)]);
      await settle('x', x.holdId, 10);
      assert.equal((await reserve([counter('x', 10, 0)])).ok, false);
      const soft = await ledger.reserve([counter('x', 10, 5, { enforce: false })], hold());
      assert.deepEqual(soft, { ok: true, states: [{ spent: 10, reserved: 5 }] });
    });

    it('the reservation of a call never settled (its instance died) is given back when its lease ends', async () => {
      await reserve([counter('l', 100, 60)], 30_000);
      const live = await reserve([counter('l', 100, 30)], 120_000);
      assert.equal((await reserve([counter('l', 100, 20)])).ok, false);
      clock.advance(31_000);
      assert.deepEqual(await ledger.peek(['l']), [{ spent: 0, reserved: 30 }], 'an expired lease is not shown as reserved');
      // The dead call's 60 is back; the live call's 30 is still held.
      const r = await reserve([counter('l', 100, 70)]);
      assert.deepEqual(r.ok && r.states, [{ spent: 0, reserved: 100 }]);
      // A late settle of the live call returns only its own reservation.
      assert.deepEqual(await settle('l', live.holdId, 30), [{ before: 0, after: 30 }]);
      assert.deepEqual(await ledger.peek(['l']), [{ spent: 30, reserved: 70 }]);
    });

    it('a settle after the lease ended charges the cost and takes back nothing it no longer holds', async () => {
      const slow = await reserve([counter('e', 100, 50)], 10_000);
      clock.advance(11_000);
      const other = await reserve([counter('e', 100, 40)]);
      assert.deepEqual(await settle('e', slow.holdId, 50), [{ before: 0, after: 50 }]);
      assert.deepEqual(await ledger.peek(['e']), [{ spent: 50, reserved: 40 }], 'the other call keeps its reservation');
      assert.ok(other.ok);
    });

    it('an absent counter without a base is reported missing; the first base wins', async () => {
      const r = await ledger.reserve([counter('m1', 100, 1), counter('m2', 100, 1, { base: undefined })], hold());
      assert.deepEqual(r, { ok: false, reason: 'missing', indexes: [1] });
      assert.deepEqual(await ledger.peek(['m1', 'm2']), [null, null]);
      assert.equal((await reserve([counter('m2', 100, 1, { base: 60 })])).ok, true);
      // A second rebuild racing the first brings a stale base: it is ignored.
      const again = await ledger.reserve([counter('m2', 100, 1, { base: 0 })], hold());
      assert.deepEqual(again, { ok: true, states: [{ spent: 60, reserved: 2 }] });
    });

    it('after a wipe, spend comes back from the base and a settle of the lost counter does not recreate it', async () => {
      const a = await reserve([counter('w', 100, 30)]);
      await settle('w', a.holdId, 30);
      const b = await reserve([counter('w', 100, 30)]);
      await t.wipe();
      assert.deepEqual(await settle('w', b.holdId, 20), [null]);
      assert.deepEqual(await ledger.peek(['w']), [null]);
      const r = await reserve([counter('w', 100, 60, { base: 50 })]);
      assert.equal(r.ok, false, 'the rebuilt 50 spent leaves no room for 60');
      assert.deepEqual(await ledger.peek(['w']), [{ spent: 50, reserved: 0 }]);
    });
  });
}
