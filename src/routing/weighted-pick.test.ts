import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng, weightedOrder } from './weighted-pick.ts';

describe('weightedOrder', () => {
  it('spreads first picks by weight over 1 000 calls (within 5 points of the share)', () => {
    const rng = seededRng(42);
    const items = [{ id: 'a', w: 1 }, { id: 'b', w: 3 }, { id: 'c', w: 6 }];
    const first: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 1000; i++) first[weightedOrder(items, (x) => x.w, rng)[0].id]++;
    assert.ok(Math.abs(first.a / 1000 - 0.1) < 0.05, `a: ${first.a}`);
    assert.ok(Math.abs(first.b / 1000 - 0.3) < 0.05, `b: ${first.b}`);
    assert.ok(Math.abs(first.c / 1000 - 0.6) < 0.05, `c: ${first.c}`);
  });

  it('lists every item of positive weight once, and leaves weight 0 out', () => {
    const order = weightedOrder([{ id: 'a', w: 2 }, { id: 'z', w: 0 }, { id: 'b', w: 1 }], (x) => x.w, seededRng(1));
    assert.deepEqual(order.map((x) => x.id).sort(), ['a', 'b']);
  });

  it('is reproducible with the same seed', () => {
    const items = [1, 2, 3, 4, 5].map((w) => ({ w }));
    assert.deepEqual(weightedOrder(items, (x) => x.w, seededRng(7)), weightedOrder(items, (x) => x.w, seededRng(7)));
  });
});
