import { offsetAt } from '../auth/expiry.ts';

export type BudgetPeriod = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'QUARTERLY' | 'TOTAL';
export const BUDGET_PERIODS: readonly BudgetPeriod[] = ['DAILY', 'WEEKLY', 'MONTHLY', 'QUARTERLY', 'TOTAL'];

/** One period of a budget or quota: [start, end) in epoch ms; a TOTAL period never ends. */
export interface PeriodBounds {
  start: number;
  end: number | null;
}

const DAY = 86_400_000;

/**
 * The UTC instant of a local wall-clock midnight in `tz`. The offset is read twice: once at the
 * naive guess and once at the corrected instant, so a midnight next to a DST change lands on the
 * right side of it. A midnight that does not exist (zones that spring forward at 00:00) becomes
 * the first instant of that day.
 */
export function localMidnight(year: number, month: number, day: number, tz: string): number {
  const wall = Date.UTC(year, month, day);
  const guess = wall - offsetAt(wall, tz);
  return wall - offsetAt(guess, tz);
}

/** The local calendar date of an instant in `tz`: year, month (0-11), day, weekday (0 = Monday). */
function localDate(ts: number, tz: string) {
  const d = new Date(ts + offsetAt(ts, tz));
  return { y: d.getUTCFullYear(), m: d.getUTCMonth(), d: d.getUTCDate(), dow: (d.getUTCDay() + 6) % 7 };
}

/**
 * The period containing `now`. Periods start at midnight in the budget's time zone: every day,
 * every Monday, the 1st of every month, the 1st of January/April/July/October. A TOTAL period
 * starts when the budget was created and never resets.
 */
export function periodBounds(period: BudgetPeriod, tz: string, now: number, createdAt: number): PeriodBounds {
  if (period === 'TOTAL') return { start: createdAt, end: null };
  const { y, m, d, dow } = localDate(now, tz);
  switch (period) {
    case 'DAILY':
      return { start: localMidnight(y, m, d, tz), end: localMidnight(y, m, d + 1, tz) };
    case 'WEEKLY':
      return { start: localMidnight(y, m, d - dow, tz), end: localMidnight(y, m, d - dow + 7, tz) };
    case 'MONTHLY':
      return { start: localMidnight(y, m, 1, tz), end: localMidnight(y, m + 1, 1, tz) };
    case 'QUARTERLY': {
      const q = m - (m % 3);
      return { start: localMidnight(y, q, 1, tz), end: localMidnight(y, q + 3, 1, tz) };
    }
  }
}

/** The period before the one starting at `start` (for rollover), or null for TOTAL. */
export function previousPeriod(period: BudgetPeriod, tz: string, start: number): PeriodBounds | null {
  if (period === 'TOTAL') return null;
  // An instant half a day before the start is inside the previous period whatever the DST shift.
  return periodBounds(period, tz, start - DAY / 2, 0);
}
