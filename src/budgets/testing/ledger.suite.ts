import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BudgetLedger, LedgerCounter } from '../budget-ledger.ts';

export interface LedgerTarget {
  ledger: BudgetLedger;
  /** Loses every counter, as a restart (memory) or a FLUSH (Redis) does. */
  wipe(): Promise<void>;
  cleanup?: () => Promise<void>;
}

const counter = (key: string, limit: number, amount: number, extra: Partial<LedgerCounter> = {}): LedgerCounter => ({ key, limit, amount, enforce: true, ttlMs: 60_000, base: 0, ...extra });

/** The behaviour every BudgetLedger must have (memory-ledger.test.ts, redis-ledger.test.ts). */
export function runLedgerSuite(name: string, make: () => Promise<LedgerTarget>, opts: { skip?: string } = {}): void {
  describe(`BudgetLedger behaviour: ${name}`, { skip: opts.skip }, () => {
    let t: LedgerTarget;
    let ledger: BudgetLedger;
    beforeEach(async () => {
      t = await make();
      ledger = t.ledger;
    });
    afterEach(async () => { await t.cleanup?.(); });

    it('reserves up to the limit and refuses the call that would pass it, naming the counter', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await ledger.reserve([counter('b', 30, 10)])).ok, true);
      const r = await ledger.reserve([counter('a', 100, 1), counter('b', 30, 10)]);
      assert.deepEqual(r, { ok: false, reason: 'exceeded', index: 1, state: { spent: 0, reserved: 30 } });
      // Nothing was taken on the counter that had room.
      assert.deepEqual(await ledger.peek(['a']), [{ spent: 0, reserved: 0 }]);
    });

    it('50 parallel reservations against a limit that admits 10: exactly 10 pass', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => ledger.reserve([counter('c', 100, 10)])));
      assert.equal(results.filter((r) => r.ok).length, 10);
      assert.deepEqual(await ledger.peek(['c']), [{ spent: 0, reserved: 100 }]);
    });

    it('settle moves the reservation to spent at the real amount; release gives it back', async () => {
      await ledger.reserve([counter('s', 100, 40)]);
      await ledger.reserve([counter('s', 100, 40)]);
      assert.deepEqual(await ledger.settle([{ key: 's', reserved: 40, actual: 25, ttlMs: 60_000 }]), [{ before: 0, after: 25 }]);
      assert.deepEqual(await ledger.settle([{ key: 's', reserved: 40, actual: 0, ttlMs: 60_000 }]), [{ before: 25, after: 25 }]);
      assert.deepEqual(await ledger.peek(['s']), [{ spent: 25, reserved: 0 }]);
      // 75 left: a 70 call fits, another 10 does not.
      assert.equal((await ledger.reserve([counter('s', 100, 70)])).ok, true);
      assert.equal((await ledger.reserve([counter('s', 100, 10)])).ok, false);
    });

    it('a call that reserved nothing settles at what it consumed', async () => {
      await ledger.reserve([counter('z', 100, 0)]);
      assert.deepEqual(await ledger.settle([{ key: 'z', reserved: 0, actual: 7, ttlMs: 60_000 }]), [{ before: 0, after: 7 }]);
    });

    it('an exhausted counter refuses even a free call; an unenforced one never refuses', async () => {
      await ledger.reserve([counter('x', 10, 10)]);
      await ledger.settle([{ key: 'x', reserved: 10, actual: 10, ttlMs: 60_000 }]);
      assert.equal((await ledger.reserve([counter('x', 10, 0)])).ok, false);
      const soft = await ledger.reserve([counter('x', 10, 5, { enforce: false })]);
      assert.deepEqual(soft, { ok: true, states: [{ spent: 10, reserved: 5 }] });
    });

    it('an absent counter without a base is reported missing; the first base wins', async () => {
      const r = await ledger.reserve([counter('m1', 100, 1), counter('m2', 100, 1, { base: undefined })]);
      assert.deepEqual(r, { ok: false, reason: 'missing', indexes: [1] });
      assert.deepEqual(await ledger.peek(['m1', 'm2']), [null, null]);
      assert.equal((await ledger.reserve([counter('m2', 100, 1, { base: 60 })])).ok, true);
      // A second rebuild racing the first brings a stale base: it is ignored.
      const again = await ledger.reserve([counter('m2', 100, 1, { base: 0 })]);
      assert.deepEqual(again, { ok: true, states: [{ spent: 60, reserved: 2 }] });
    });

    it('after a wipe, spend comes back from the base and a settle of the lost counter does not recreate it', async () => {
      await ledger.reserve([counter('w', 100, 30)]);
      await ledger.settle([{ key: 'w', reserved: 30, actual: 30, ttlMs: 60_000 }]);
      await ledger.reserve([counter('w', 100, 30)]);
      await t.wipe();
      assert.deepEqual(await ledger.settle([{ key: 'w', reserved: 30, actual: 20, ttlMs: 60_000 }]), [null]);
      assert.deepEqual(await ledger.peek(['w']), [null]);
      const r = await ledger.reserve([counter('w', 100, 60, { base: 50 })]);
      assert.equal(r.ok, false, 'the rebuilt 50 spent leaves no room for 60');
      assert.deepEqual(await ledger.peek(['w']), [{ spent: 50, reserved: 0 }]);
    });
  });
}
