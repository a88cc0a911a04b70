import { GatewayError } from '../../errors/index.ts';
import type { AnalyticsRepo, McpDimension, NamedDimension, RollupRow, UsageDimension } from '../../store/repos/analytics.repo.ts';
import type { UsageFilter, UsageRepo } from '../../store/repos/usage.repo.ts';
import type { UsageRecordTable } from '../../store/schema.ts';
import type { Granularity } from '../../store/usage-rollup.sql.ts';
import { addRows, mcpMetrics, usageMetrics } from './analytics.view.ts';

/** API names of the groupings, mapped to rollup columns. */
export const USAGE_GROUPS = { apiKey: 'api_key_id', team: 'team_id', user: 'user_id', model: 'model_id', provider: 'provider_id', status: 'status' } as const;
export const MCP_GROUPS = { server: 'mcp_server_id', tool: 'tool', apiKey: 'api_key_id', status: 'status' } as const;
export type UsageGroup = keyof typeof USAGE_GROUPS;
export type McpGroup = keyof typeof MCP_GROUPS;

const STEP_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const DEFAULT_SPAN_MS: Record<Granularity, number> = { minute: 3_600_000, hour: 86_400_000, day: 30 * 86_400_000 };
/** Most buckets one answer may hold: a month of hours, a year of days, two days of minutes. */
const MAX_BUCKETS = 3000;

/** The UTC start of the bucket holding `iso` (rollup buckets are cut the same way from created_at). */
export function bucketStart(iso: string, g: Granularity): string {
  const s = new Date(iso).toISOString();
  if (g === 'minute') return `${s.slice(0, 16)}:00.000Z`;
  if (g === 'hour') return `${s.slice(0, 13)}:00:00.000Z`;
  return `${s.slice(0, 10)}T00:00:00.000Z`;
}

export interface RangeQuery { from?: string; to?: string; interval?: Granularity; outcome?: 'success' | 'error'; /** Most entries in `groups` (largest first); series are never cut. */ limit?: number }
export interface UsageAnalyticsQuery extends RangeQuery {
  groupBy?: UsageGroup;
  apiKeyId?: string; teamId?: string; userId?: string; modelId?: string; providerId?: string; status?: string;
}
export interface McpAnalyticsQuery extends RangeQuery { groupBy?: McpGroup; apiKeyId?: string; mcpServerId?: string; tool?: string; status?: string }

/** from/to as answered: from cut down to its bucket, to exclusive; refuses empty and oversized ranges. */
export function resolveRange(q: RangeQuery, now: Date): { granularity: Granularity; from: string; to: string } {
  const granularity = q.interval ?? 'hour';
  // Default end: the end of the bucket holding now, so repeated calls answer the same range.
  const to = q.to ?? new Date(Date.parse(bucketStart(now.toISOString(), granularity)) + STEP_MS[granularity]).toISOString();
  const from = bucketStart(q.from ?? new Date(Date.parse(to) - DEFAULT_SPAN_MS[granularity]).toISOString(), granularity);
  if (Date.parse(from) >= Date.parse(to)) throw new GatewayError('invalid_request', 'from must be before to', { field: 'from' });
  if ((Date.parse(to) - Date.parse(from)) / STEP_MS[granularity] > MAX_BUCKETS) {
    throw new GatewayError('invalid_request', `the range holds more than ${MAX_BUCKETS} ${granularity} buckets: choose a longer interval`, { field: 'interval' });
  }
  return { granularity, from, to };
}

const NAMED = new Set<string>(['api_key_id', 'team_id', 'user_id', 'model_id', 'provider_id', 'mcp_server_id']);

/** Period names of the chargeback report: a month (2026-11), a quarter (2026-Q4) or a year (2026), in UTC. */
export function periodRange(period: string): { from: string; to: string } {
  const iso = (y: number, m: number) => new Date(Date.UTC(y, m, 1)).toISOString();
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (m) return { from: iso(+m[1], +m[2] - 1), to: iso(+m[1], +m[2]) };
  m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) return { from: iso(+m[1], (+m[2] - 1) * 3), to: iso(+m[1], +m[2] * 3) };
  m = /^(\d{4})$/.exec(period);
  if (m) return { from: iso(+m[1], 0), to: iso(+m[1] + 1, 0) };
  throw new GatewayError('invalid_request', 'period must be a month (2026-11), a quarter (2026-Q4) or a year (2026)', { field: 'period' });
}

export interface AnalyticsServiceDeps {
  analytics: AnalyticsRepo;
  usage: Pick<UsageRepo, 'listPage'>;
  now?: () => Date;
}

/**
 * Usage analytics of one organisation, read from rollups only (never summed from raw records),
 * so a 30-day answer costs the same at ten records or ten million.
 */
export function createAnalyticsService({ analytics, usage, now = () => new Date() }: AnalyticsServiceDeps) {
  /** Display names for every named dimension value in the rows (ids of other organisations never resolve). */
  async function nameOf(orgId: string, dims: string[], rows: RollupRow[]): Promise<(dim: number, id: string) => string | null> {
    const maps = await Promise.all(dims.map((d) => (NAMED.has(d) ? analytics.names(orgId, d as NamedDimension, [...new Set(rows.map((r) => r.group[dims.indexOf(d)]))]) : undefined)));
    return (i, id) => (id === '' ? null : maps[i] ? (maps[i].get(id) ?? null) : id);
  }

  /** Series, per-group totals and overall totals from one rollup query. */
  async function report<M>(orgId: string, rows: RollupRow[], dim: string | undefined, metrics: (x: ReturnType<typeof addRows>) => M, range: object) {
    const name = await nameOf(orgId, dim ? [dim] : [], rows);
    const label = (r: RollupRow) => (dim ? { group: r.group[0] === '' ? null : r.group[0], groupName: name(0, r.group[0]) } : { group: null, groupName: null });
    const byGroup = new Map<string, RollupRow[]>();
    for (const r of rows) {
      const k = r.group[0] ?? '';
      const list = byGroup.get(k);
      if (list) list.push(r);
      else byGroup.set(k, [r]);
    }
    return {
      ...range,
      series: rows.map((r) => ({ bucket: r.bucket, ...label(r), ...metrics(addRows([r])) })),
      groups: [...byGroup.values()].map((rs) => ({ ...label(rs[0]), ...metrics(addRows(rs)) })),
      totals: metrics(addRows(rows)),
    };
  }

  return {
    async usage(orgId: string, q: UsageAnalyticsQuery) {
      const range = resolveRange(q, now());
      const dim = q.groupBy ? USAGE_GROUPS[q.groupBy] : undefined;
      const where: Partial<Record<UsageDimension, string>> = {
        api_key_id: q.apiKeyId, team_id: q.teamId, user_id: q.userId, model_id: q.modelId, provider_id: q.providerId, status: q.status,
      };
      const rows = await analytics.usageSeries(orgId, { ...range, groupBy: dim ? [dim] : [], where, outcome: q.outcome });
      const out = await report(orgId, rows, dim, usageMetrics, { interval: range.granularity, from: range.from, to: range.to, groupBy: q.groupBy ?? null });
      out.groups.sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests);
      if (q.limit) out.groups = out.groups.slice(0, q.limit);
      return out;
    },

    async mcp(orgId: string, q: McpAnalyticsQuery) {
      const range = resolveRange(q, now());
      const dim = q.groupBy ? MCP_GROUPS[q.groupBy] : undefined;
      const where: Partial<Record<McpDimension, string>> = { api_key_id: q.apiKeyId, mcp_server_id: q.mcpServerId, tool: q.tool, status: q.status };
      const rows = await analytics.mcpSeries(orgId, { ...range, groupBy: dim ? [dim] : [], where, outcome: q.outcome });
      const out = await report(orgId, rows, dim, mcpMetrics, { interval: range.granularity, from: range.from, to: range.to, groupBy: q.groupBy ?? null });
      out.groups.sort((a, b) => b.requests - a.requests);
      if (q.limit) out.groups = out.groups.slice(0, q.limit);
      return out;
    },

    /** Spend of one period by team × key, from day rollups, with per-team subtotals. */
    async chargeback(orgId: string, periodName?: string) {
      const period = periodName ?? now().toISOString().slice(0, 7);
      const { from, to } = periodRange(period);
      const dims = ['team_id', 'api_key_id'];
      const rows = await analytics.usageSeries(orgId, { granularity: 'day', from, to, overall: true, groupBy: ['team_id', 'api_key_id'] });
      const name = await nameOf(orgId, dims, rows);
      const items = rows.map((r) => ({
        teamId: r.group[0] || null, teamName: name(0, r.group[0]), apiKeyId: r.group[1] || null, apiKeyName: name(1, r.group[1]), ...usageMetrics(addRows([r])),
      }));
      const teams = [...new Set(rows.map((r) => r.group[0]))].map((t) => ({
        teamId: t || null, teamName: name(0, t), ...usageMetrics(addRows(rows.filter((r) => r.group[0] === t))),
      }));
      items.sort((a, b) => b.costUsd - a.costUsd);
      teams.sort((a, b) => b.costUsd - a.costUsd);
      return { period, from, to, items, teams, totals: usageMetrics(addRows(rows)) };
    },

    /** Raw records for export, newest first, fetched a page at a time so memory stays flat. */
    async *records(orgId: string, f: UsageFilter & { modelId?: string }): AsyncGenerator<UsageRecordTable> {
      let cursor: { createdAt: string; id: string } | undefined;
      for (;;) {
        const page = await usage.listPage(orgId, f, { limit: 1000, cursor });
        yield* page.slice(0, 1000);
        if (page.length <= 1000) return;
        const last = page[999];
        cursor = { createdAt: last.created_at, id: last.id };
      }
    },
  };
}
export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
