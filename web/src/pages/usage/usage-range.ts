// Time ranges of the Usage page and the bucketing of records into chart points.
import type { UsageRecord } from '../../api/types.ts';

export const RANGES = [
  { value: '1h', label: 'Last hour', ms: 3600_000, bucketMs: 5 * 60_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86400_000, bucketMs: 3600_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86400_000, bucketMs: 6 * 3600_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86400_000, bucketMs: 86400_000 },
] as const;
export type RangeValue = (typeof RANGES)[number]['value'];

export function rangeBounds(value: RangeValue, now = Date.now()) {
  const r = RANGES.find((x) => x.value === value) ?? RANGES[1];
  // Rounded to the minute so the query key (and the cache) is stable across renders.
  const to = Math.ceil(now / 60_000) * 60_000;
  return { from: new Date(to - r.ms).toISOString(), to: new Date(to).toISOString(), bucketMs: r.bucketMs, fromMs: to - r.ms, toMs: to };
}

export interface Point { label: string; Requests: number; Errors: number; 'Input tokens': number; 'Output tokens': number; 'Cost (USD)': number }

export function bucketize(records: UsageRecord[], fromMs: number, toMs: number, bucketMs: number): Point[] {
  const fmt = new Intl.DateTimeFormat(undefined, bucketMs >= 86400_000 ? { month: 'short', day: 'numeric' } : bucketMs >= 3600_000 * 6 ? { month: 'short', day: 'numeric', hour: '2-digit' } : { hour: '2-digit', minute: '2-digit' });
  const start = Math.floor(fromMs / bucketMs) * bucketMs;
  const n = Math.max(1, Math.ceil((toMs - start) / bucketMs));
  const points: Point[] = Array.from({ length: n }, (_, i) => ({ label: fmt.format(new Date(start + i * bucketMs)), Requests: 0, Errors: 0, 'Input tokens': 0, 'Output tokens': 0, 'Cost (USD)': 0 }));
  for (const r of records) {
    const i = Math.floor((new Date(r.createdAt).getTime() - start) / bucketMs);
    const p = points[i];
    if (!p) continue;
    p.Requests += 1;
    if (!isSuccess(r.status)) p.Errors += 1;
    p['Input tokens'] += r.inputTokens;
    p['Output tokens'] += r.outputTokens;
    p['Cost (USD)'] += r.costNanoUsd / 1e9;
  }
  for (const p of points) p['Cost (USD)'] = Math.round(p['Cost (USD)'] * 1e6) / 1e6;
  return points;
}

export function isSuccess(status: string | number): boolean {
  const n = Number(status);
  return Number.isFinite(n) ? n >= 200 && n < 400 : status === 'success' || status === 'ok';
}
