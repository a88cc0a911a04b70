import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { periodBounds, previousPeriod } from './period-math.ts';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const at = (s: string) => Date.parse(s);

describe('budget periods', () => {
  it('a day starts at local midnight in the budget time zone', () => {
    const b = periodBounds('DAILY', 'Europe/Paris', at('2026-07-10T21:30:00Z'), 0);
    // 23:30 in Paris (UTC+2 in summer): the day began at 22:00Z the evening before.
    assert.equal(iso(b.start), '2026-07-09T22:00:00.000Z');
    assert.equal(iso(b.end), '2026-07-10T22:00:00.000Z');
    const ny = periodBounds('DAILY', 'America/New_York', at('2026-07-10T02:00:00Z'), 0);
    assert.equal(iso(ny.start), '2026-07-09T04:00:00.000Z');
  });

  it('a week starts on Monday, a month on the 1st, a quarter on the 1st of its first month', () => {
    // 2026-11-29 is a Sunday.
    const w = periodBounds('WEEKLY', 'UTC', at('2026-11-29T12:00:00Z'), 0);
    assert.equal(iso(w.start), '2026-11-23T00:00:00.000Z');
    assert.equal(iso(w.end), '2026-11-30T00:00:00.000Z');
    const m = periodBounds('MONTHLY', 'Asia/Tokyo', at('2026-11-30T16:00:00Z'), 0);
    // 01:00 on 1 December in Tokyo.
    assert.equal(iso(m.start), '2026-11-30T15:00:00.000Z');
    assert.equal(iso(m.end), '2026-12-31T15:00:00.000Z');
    const q = periodBounds('QUARTERLY', 'UTC', at('2026-11-29T12:00:00Z'), 0);
    assert.equal(iso(q.start), '2026-10-01T00:00:00.000Z');
    assert.equal(iso(q.end), '2027-01-01T00:00:00.000Z');
  });

  it('days across a DST change are 23 and 25 hours long', () => {
    const spring = periodBounds('DAILY', 'Europe/Paris', at('2026-03-29T12:00:00Z'), 0);
    assert.equal(spring.end! - spring.start, 23 * 3_600_000);
    const autumn = periodBounds('DAILY', 'Europe/Paris', at('2026-10-25T12:00:00Z'), 0);
    assert.equal(autumn.end! - autumn.start, 25 * 3_600_000);
  });

  it('the instant of the boundary belongs to the new period', () => {
    const b = periodBounds('MONTHLY', 'UTC', at('2026-12-01T00:00:00Z'), 0);
    assert.equal(iso(b.start), '2026-12-01T00:00:00.000Z');
    const before = periodBounds('MONTHLY', 'UTC', at('2026-12-01T00:00:00Z') - 1, 0);
    assert.equal(iso(before.start), '2026-11-01T00:00:00.000Z');
  });

  it('TOTAL starts at creation and never ends; it has no previous period', () => {
    const created = at('2026-01-05T10:00:00Z');
    assert.deepEqual(periodBounds('TOTAL', 'UTC', at('2030-01-01T00:00:00Z'), created), { start: created, end: null });
    assert.equal(previousPeriod('TOTAL', 'UTC', created), null);
  });

  it('the previous period ends where the current one starts', () => {
    const cur = periodBounds('MONTHLY', 'Europe/Paris', at('2026-03-15T00:00:00Z'), 0);
    const prev = previousPeriod('MONTHLY', 'Europe/Paris', cur.start)!;
    assert.equal(prev.end, cur.start);
    assert.equal(iso(prev.start), '2026-01-31T23:00:00.000Z');
  });
});
