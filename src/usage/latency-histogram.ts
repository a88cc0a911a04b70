/**
 * A fixed log-scale latency histogram: bucket i counts calls with latency below
 * LATENCY_BOUNDS_MS[i] (and at or above the bound before it); the last bucket holds everything
 * from 60 s up. Rollup rows keep one count per bucket, so percentiles over any range and any
 * grouping are computed by adding counts, never by reading raw records.
 */
export const LATENCY_BOUNDS_MS = [1, 2, 4, 8, 12, 16, 25, 40, 60, 100, 150, 250, 400, 600, 1000, 1500, 2500, 4000, 6000, 10_000, 15_000, 30_000, 60_000] as const;

export const HISTOGRAM_SIZE = LATENCY_BOUNDS_MS.length + 1;

/** The bucket a latency falls in (the same rule as the SQL `case` in usage-rollup.sql.ts). */
export function latencyBucket(ms: number): number {
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) if (ms < LATENCY_BOUNDS_MS[i]) return i;
  return LATENCY_BOUNDS_MS.length;
}

/**
 * The p-th percentile (0 < p ≤ 1) of a histogram, interpolated linearly inside the bucket
 * holding it; null when the histogram is empty. Accurate to the width of that bucket. When every
 * call fell in one bucket, the mean (if given) is the better estimate and is answered instead.
 */
export function percentile(counts: readonly number[], p: number, meanMs?: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  if (meanMs !== undefined && counts.filter((c) => c > 0).length === 1) return Math.round(meanMs);
  const rank = p * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c > 0 && seen + c >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      if (i >= LATENCY_BOUNDS_MS.length) return lower;
      const upper = LATENCY_BOUNDS_MS[i];
      return Math.round(lower + ((rank - seen) / c) * (upper - lower));
    }
    seen += c;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
}
