import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.ts';
import { HISTOGRAM_COLUMNS, MCP_ROLLUP_SETS, MINUTE_SETS, USAGE_ROLLUP_SETS, type Granularity } from '../usage-rollup.sql.ts';

/** Rollup dimensions an analytics query may group or filter by, per table. */
export const USAGE_DIMENSIONS = ['api_key_id', 'team_id', 'user_id', 'model_id', 'provider_id', 'status'] as const;
export const MCP_DIMENSIONS = ['api_key_id', 'mcp_server_id', 'tool', 'status'] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];
export type McpDimension = (typeof MCP_DIMENSIONS)[number];

const USAGE_SUMS = ['requests', 'errors', 'input_tokens', 'output_tokens', 'cached_tokens', 'cost_nano_usd', 'latency_sum_ms'] as const;
const MCP_SUMS = ['requests', 'errors', 'blocked', 'bytes_in', 'bytes_out', 'latency_sum_ms'] as const;

export interface RollupQuery<D extends string> {
  granularity: Granularity;
  /** Bucket starts from (inclusive, already cut to the granularity) to (exclusive), UTC ISO. */
  from: string;
  to: string;
  /** Dimensions to group by (none: one group); with `overall`, no per-bucket split either. */
  groupBy?: D[];
  overall?: boolean;
  /** Equality filters on dimensions ('' matches "none"). */
  where?: Partial<Record<D, string>>;
  /** Successes only (status 'ok') or failures only. */
  outcome?: 'success' | 'error';
}

/** One bucket × group of summed rollups (`group`: the groupBy dimensions' values); `hist` is the summed latency histogram. */
export interface RollupRow {
  bucket: string | null;
  group: string[];
  sums: Record<string, number>;
  hist: number[];
}

/**
 * The smallest rollup set that answers a query: 'total' when nothing but status is grouped or
 * filtered, the one dimension's set when only it is, else 'full' (every combination).
 */
export function rollupSetFor(sets: readonly string[], groupBy: readonly string[], where: Record<string, string | undefined>): string {
  const used = new Set([...groupBy, ...Object.keys(where).filter((k) => typeof where[k] === 'string')].filter((d) => d !== 'status'));
  if (used.size === 0) return 'total';
  const [only] = used;
  return used.size === 1 && sets.includes(only) ? only : 'full';
}

async function querySeries<D extends string>(
  db: Kysely<Database>, table: 'usage_rollups' | 'mcp_usage_rollups', sums: readonly string[], orgId: string, q: RollupQuery<D>,
): Promise<RollupRow[]> {
  const sets = q.granularity === 'minute' ? MINUTE_SETS : table === 'usage_rollups' ? USAGE_ROLLUP_SETS : MCP_ROLLUP_SETS;
  const set = rollupSetFor(sets, q.groupBy ?? [], (q.where ?? {}) as Record<string, string | undefined>);
  // Sums cast to bigint: PostgreSQL answers sum(bigint) as numeric, which pg returns as text.
  const total = (c: string): RawBuilder<unknown> => sql`cast(sum(${sql.ref(c)}) as bigint) as ${sql.ref(c)}`;
  const dims = q.groupBy ?? [];
  const keys = [...(q.overall ? [] : ['bucket']), ...dims].map((k) => sql.ref(k));
  const filters = Object.entries(q.where ?? {}).filter(([, v]) => typeof v === 'string').map(([d, v]) => sql` and ${sql.ref(d)} = ${v as string}`);
  if (q.outcome) filters.push(q.outcome === 'success' ? sql` and status = 'ok'` : sql` and status <> 'ok'`);
  const r = await sql<Record<string, unknown>>`
    select ${sql.join([...keys, ...[...sums, ...HISTOGRAM_COLUMNS].map(total)])}
      from ${sql.table(table)}
     where organisation_id = ${orgId} and granularity = ${q.granularity} and rollup_set = ${set} and bucket >= ${q.from} and bucket < ${q.to}${sql.join(filters, sql``)}
     ${keys.length > 0 ? sql`group by ${sql.join(keys)} order by ${sql.join(keys)}` : sql``}`.execute(db);
  return r.rows.map((row) => ({
    bucket: q.overall ? null : String(row.bucket),
    group: dims.map((d) => String(row[d])),
    sums: Object.fromEntries(sums.map((s) => [s, Number(row[s] ?? 0)])),
    hist: HISTOGRAM_COLUMNS.map((h) => Number(row[h] ?? 0)),
  }));
}

/** Display names of the ids a report groups by, within one organisation. */
const NAME_SOURCES = {
  api_key_id: { table: 'api_keys', name: 'name' },
  team_id: { table: 'teams', name: 'name' },
  user_id: { table: 'users', name: 'email' },
  model_id: { table: 'models', name: 'name' },
  provider_id: { table: 'providers', name: 'name' },
  mcp_server_id: { table: 'mcp_servers', name: 'name' },
} as const;
export type NamedDimension = keyof typeof NAME_SOURCES;

/** Analytics reads: rollups only, never raw records, so their cost does not grow with traffic. */
export function analyticsRepo(db: Kysely<Database>) {
  return {
    usageSeries: (orgId: string, q: RollupQuery<UsageDimension>) => querySeries(db, 'usage_rollups', USAGE_SUMS, orgId, q),
    mcpSeries: (orgId: string, q: RollupQuery<McpDimension>) => querySeries(db, 'mcp_usage_rollups', MCP_SUMS, orgId, q),

    async names(orgId: string, dimension: NamedDimension, ids: string[]): Promise<Map<string, string>> {
      const wanted = ids.filter((i) => i !== '');
      if (wanted.length === 0) return new Map();
      const src = NAME_SOURCES[dimension];
      const r = await sql<{ id: string; name: string }>`
        select id, ${sql.ref(src.name)} as name from ${sql.table(src.table)}
         where organisation_id = ${orgId} and id in (${sql.join(wanted)})`.execute(db);
      return new Map(r.rows.map((x) => [x.id, x.name]));
    },
  };
}
export type AnalyticsRepo = ReturnType<typeof analyticsRepo>;
