// The analytics API as the Usage page reads it: rollup series and totals, never raw records summed here.
import { fillPath, request } from '../../api/client.ts';
import { ROUTES } from '../../api/routes.ts';

export type Interval = 'minute' | 'hour' | 'day';
export type UsageGroupBy = 'apiKey' | 'team' | 'user' | 'model' | 'provider' | 'status';
export type McpGroupBy = 'server' | 'tool' | 'apiKey' | 'status';

interface Latency { latencyAvgMs: number | null; latencyP50Ms: number | null; latencyP95Ms: number | null }
export interface UsageMetrics extends Latency { requests: number; errors: number; inputTokens: number; outputTokens: number; cachedTokens: number; costUsd: number }
export interface McpMetrics extends Latency { requests: number; errors: number; blocked: number; bytesIn: number; bytesOut: number }
interface Labelled { group: string | null; groupName: string | null }
export interface Report<M> {
  interval: Interval; from: string; to: string;
  series: (M & Labelled & { bucket: string })[];
  groups: (M & Labelled)[];
  totals: M;
}

export interface AnalyticsFilters {
  from: string; to: string; interval: Interval;
  apiKeyId?: string | null; teamId?: string | null; modelId?: string | null; providerId?: string | null; outcome?: 'success' | 'error' | null;
}

export interface ChargebackLine extends UsageMetrics { teamId: string | null; teamName: string | null; apiKeyId: string | null; apiKeyName: string | null }
export interface Chargeback {
  period: string; from: string; to: string; totals: UsageMetrics;
  items: ChargebackLine[];
  teams: (UsageMetrics & { teamId: string | null; teamName: string | null })[];
}

type Query = Record<string, string | number | null | undefined>;
const clean = (q: Query) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== null && v !== undefined && v !== ''));

export const analyticsApi = {
  usage: (orgId: string, f: AnalyticsFilters, groupBy?: UsageGroupBy, limit?: number) =>
    request<Report<UsageMetrics>>('GET', fillPath(ROUTES.getAnalytics[1], { orgId }), { query: clean({ ...f, groupBy, limit }) }),
  mcp: (orgId: string, f: Pick<AnalyticsFilters, 'from' | 'to' | 'interval' | 'apiKeyId' | 'outcome'>, groupBy?: McpGroupBy) =>
    request<Report<McpMetrics>>('GET', fillPath(ROUTES.getMcpAnalytics[1], { orgId }), { query: clean({ ...f, groupBy }) }),
  chargeback: (orgId: string, period: string) => request<Chargeback>('GET', fillPath(ROUTES.getChargeback[1], { orgId }), { query: { period } }),
};

/** Same-origin download links (the session cookie rides along); the filters become query parameters. */
export function exportUrl(kind: 'records' | 'aggregates', orgId: string, q: Query): string {
  const template = kind === 'records' ? ROUTES.exportUsageCsv[1] : ROUTES.exportAnalyticsCsv[1];
  const qs = new URLSearchParams(clean(q) as Record<string, string>).toString();
  return `${fillPath(template, { orgId })}${qs ? `?${qs}` : ''}`;
}
