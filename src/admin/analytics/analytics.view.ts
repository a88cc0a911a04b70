import { HISTOGRAM_SIZE, percentile } from '../../usage/latency-histogram.ts';
import type { RollupRow } from '../../store/repos/analytics.repo.ts';

/** Metrics of one bucket × group (or of a whole range) as the API answers them. */
export interface UsageMetrics {
  requests: number; errors: number; inputTokens: number; outputTokens: number; cachedTokens: number; costUsd: number;
  latencyAvgMs: number | null; latencyP50Ms: number | null; latencyP95Ms: number | null;
}
export interface McpMetrics {
  requests: number; errors: number; blocked: number; bytesIn: number; bytesOut: number;
  latencyAvgMs: number | null; latencyP50Ms: number | null; latencyP95Ms: number | null;
}

/** Adds rollup rows together (sums and histograms): totals and per-group figures come from this. */
export function addRows(rows: RollupRow[]): { sums: Record<string, number>; hist: number[] } {
  const sums: Record<string, number> = {};
  const hist = new Array<number>(HISTOGRAM_SIZE).fill(0);
  for (const r of rows) {
    for (const [k, v] of Object.entries(r.sums)) sums[k] = (sums[k] ?? 0) + v;
    r.hist.forEach((c, i) => (hist[i] += c));
  }
  return { sums, hist };
}

const latency = (sums: Record<string, number>, hist: number[]) => {
  const n = sums.requests ?? 0;
  const mean = n > 0 ? (sums.latency_sum_ms ?? 0) / n : undefined;
  return {
    latencyAvgMs: mean === undefined ? null : Math.round(mean),
    latencyP50Ms: percentile(hist, 0.5, mean),
    latencyP95Ms: percentile(hist, 0.95, mean),
  };
};

/** Nano-USD (integers, exact) to USD; rounding to cents is the reader's choice, not ours. */
export const nanoToUsd = (nano: number) => nano / 1e9;

export function usageMetrics({ sums, hist }: { sums: Record<string, number>; hist: number[] }): UsageMetrics {
  return {
    requests: sums.requests ?? 0, errors: sums.errors ?? 0, inputTokens: sums.input_tokens ?? 0, outputTokens: sums.output_tokens ?? 0,
    cachedTokens: sums.cached_tokens ?? 0, costUsd: nanoToUsd(sums.cost_nano_usd ?? 0), ...latency(sums, hist),
  };
}

export function mcpMetrics({ sums, hist }: { sums: Record<string, number>; hist: number[] }): McpMetrics {
  return {
    requests: sums.requests ?? 0, errors: sums.errors ?? 0, blocked: sums.blocked ?? 0, bytesIn: sums.bytes_in ?? 0, bytesOut: sums.bytes_out ?? 0,
    ...latency(sums, hist),
  };
}

/** One CSV field: quoted when it holds a separator, quote or line break; formula starts neutralised. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  // A spreadsheet would run "=…", "+…", "-…", "@…" as a formula (CSV injection); numbers are left alone.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (fields: unknown[]) => `${fields.map(csvField).join(',')}\r\n`;
