import { HISTOGRAM_SIZE, LATENCY_BOUNDS_MS } from '../usage/latency-histogram.ts';

/**
 * The SQL that folds newly written usage rows into their rollups, shared by the SQLite usage
 * worker (which receives it as text) and the PostgreSQL repository, so both dialects roll up
 * with one definition. It reads the rows just inserted back by id inside the same transaction:
 * rows skipped as duplicates (a retried batch) are never counted twice. Buckets are UTC ISO
 * strings cut from `created_at` (always `toISOString()` form), identical on both dialects.
 */
export const HISTOGRAM_COLUMNS: readonly string[] = Array.from({ length: HISTOGRAM_SIZE }, (_, i) => `h${i}`);
export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Marks where the id filter goes; each dialect substitutes its own form of "id in the batch". */
export const IDS_MARKER = '/*ids*/';

const latencyCase = `case ${LATENCY_BOUNDS_MS.map((b, i) => `when r.latency_ms < ${b} then ${i}`).join(' ')} else ${LATENCY_BOUNDS_MS.length} end`;
const bucketCase = `case g.granularity when 'minute' then substr(r.created_at, 1, 16) || ':00.000Z' when 'hour' then substr(r.created_at, 1, 13) || ':00:00.000Z' else substr(r.created_at, 1, 10) || 'T00:00:00.000Z' end`;
const granularities = `(select 'minute' as granularity union all select 'hour' union all select 'day')`;
/** 'ok' for a success, else the error code (or the HTTP status when there is none). */
const statusCase = `case when r.status < 400 then 'ok' else coalesce(r.error_code, cast(r.status as text)) end`;

interface RollupSpec {
  source: string;
  target: string;
  dims: Record<string, string>;
  sums: Record<string, string>;
}

/**
 * Rows are upserted in primary-key order, so two instances writing overlapping batches on
 * PostgreSQL lock rollup rows in the same order instead of deadlocking (a deadlock would only be
 * retried by the writer on its next tick, but costs a round).
 */
function rollupSql({ source, target, dims, sums }: RollupSpec): string {
  const dimNames = Object.keys(dims);
  const key = ['organisation_id', 'granularity', 'bucket', ...dimNames.filter((d) => d !== 'organisation_id')];
  const inner = [
    'g.granularity', `${bucketCase} as bucket`, ...Object.entries(dims).map(([n, e]) => `${e} as ${n}`),
    ...Object.entries(sums).map(([n, e]) => `${e} as ${n}`), `${latencyCase} as lb`,
  ];
  const counts = [...Object.keys(sums), 'latency_sum_ms'];
  const outer = [
    'granularity', 'bucket', ...dimNames, 'count(*)', ...Object.keys(sums).map((s) => `sum(${s})`), 'sum(latency_ms)',
    ...HISTOGRAM_COLUMNS.map((_, i) => `sum(case when lb = ${i} then 1 else 0 end)`),
  ];
  const columns = ['granularity', 'bucket', ...dimNames, 'requests', ...counts, ...HISTOGRAM_COLUMNS];
  const add = ['requests', ...counts, ...HISTOGRAM_COLUMNS].map((c) => `${c} = ${target}.${c} + excluded.${c}`);
  return `insert into ${target} (${columns.join(', ')})
select ${outer.join(', ')}
from (select ${inner.join(', ')}, r.latency_ms from ${source} r cross join ${granularities} g where ${IDS_MARKER}) x
where true
group by granularity, bucket, ${dimNames.join(', ')}
order by ${key.join(', ')}
on conflict (${key.join(', ')}) do update set ${add.join(', ')}`;
}

/** Rollup statements per raw table, with `/*ids*\/` to be replaced by the dialect's id filter. */
export const ROLLUP_SQL = {
  usage_records: rollupSql({
    source: 'usage_records', target: 'usage_rollups',
    dims: {
      organisation_id: 'r.organisation_id', api_key_id: `coalesce(r.api_key_id, '')`, team_id: `coalesce(r.team_id, '')`, user_id: `coalesce(r.user_id, '')`,
      model_id: `coalesce(r.model_id, '')`, provider_id: `coalesce(r.provider_id, '')`, status: statusCase,
    },
    sums: {
      errors: 'case when r.status >= 400 then 1 else 0 end', input_tokens: 'r.input_tokens', output_tokens: 'r.output_tokens',
      cached_tokens: 'r.cached_tokens', cost_nano_usd: 'r.cost_nano_usd',
    },
  }),
  mcp_usage_records: rollupSql({
    source: 'mcp_usage_records', target: 'mcp_usage_rollups',
    dims: {
      organisation_id: 'r.organisation_id', api_key_id: `coalesce(r.api_key_id, '')`, mcp_server_id: `coalesce(r.mcp_server_id, '')`,
      tool: `coalesce(r.tool, r.method, '')`, status: statusCase,
    },
    sums: { errors: 'case when r.status >= 400 then 1 else 0 end', blocked: 'r.blocked', bytes_in: 'r.bytes_in', bytes_out: 'r.bytes_out' },
  }),
} as const;

/** SQLite: the batch's ids arrive as one JSON array parameter. */
export const sqliteRollupSql = (table: keyof typeof ROLLUP_SQL) => ROLLUP_SQL[table].replace(IDS_MARKER, 'r.id in (select value from json_each(?))');

/**
 * Retention: what may be deleted, oldest first, in slices. Raw tables by `created_at`, minute
 * rollups by bucket; hour and day rollups are kept for good.
 */
export const RETENTION_TARGETS = {
  usage_records: { table: 'usage_records', column: 'created_at', minuteOnly: false },
  mcp_usage_records: { table: 'mcp_usage_records', column: 'created_at', minuteOnly: false },
  usage_rollups: { table: 'usage_rollups', column: 'bucket', minuteOnly: true },
  mcp_usage_rollups: { table: 'mcp_usage_rollups', column: 'bucket', minuteOnly: true },
} as const;
export type RetentionTarget = keyof typeof RETENTION_TARGETS;

/** SQLite slice delete: (organisation_id, before, limit). Uses the (organisation_id, time) indexes. */
export function sqliteRetentionSql(target: RetentionTarget): string {
  const t = RETENTION_TARGETS[target];
  const minute = t.minuteOnly ? ` and granularity = 'minute'` : '';
  return `delete from ${t.table} where rowid in (select rowid from ${t.table} where organisation_id = ? and ${t.column} < ?${minute} limit ?)`;
}
