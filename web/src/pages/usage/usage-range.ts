// Time ranges of the Usage page and the analytics interval each one is read at.
import type { Interval } from './analytics-api.ts';

export const RANGES = [
  { value: '1h', label: 'Last hour', ms: 3600_000, interval: 'minute' },
  { value: '24h', label: 'Last 24 hours', ms: 86400_000, interval: 'hour' },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86400_000, interval: 'hour' },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86400_000, interval: 'day' },
  { value: '90d', label: 'Last 90 days', ms: 90 * 86400_000, interval: 'day' },
] as const satisfies readonly { value: string; label: string; ms: number; interval: Interval }[];
export type RangeValue = (typeof RANGES)[number]['value'];

export function rangeBounds(value: RangeValue, now = Date.now()) {
  const r = RANGES.find((x) => x.value === value) ?? RANGES[1];
  // Rounded up to the minute so the query key (and the cache) is stable across renders.
  const to = Math.ceil(now / 60_000) * 60_000;
  return { from: new Date(to - r.ms).toISOString(), to: new Date(to).toISOString(), interval: r.interval as Interval };
}

export function isSuccess(status: string | number): boolean {
  const n = Number(status);
  return Number.isFinite(n) ? n >= 200 && n < 400 : status === 'success' || status === 'ok';
}
