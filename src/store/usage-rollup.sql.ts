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
 * Rollup sets: each raw row is counted once in every set. 'full' keeps every dimension; the
 * others keep one dimension (or none: 'total'), the rest stored as ''. A query grouped by one
 * dimension with no other filter reads its small set instead of every combination, so the
 * rows a 30-day answer reads grow with the number of keys (or models…), not with keys × models
 * × teams × users. Organisation and status are kept in every set.
 */
export const USAGE_ROLLUP_SETS = ['total', 'api_key_id', 'team_id', 'user_id', 'model_id', 'provider_id', 'full'] as const;
export const MCP_ROLLUP_SETS = ['total', 'api_key_id', 'mcp_server_id', 'tool', 'full'] as const;
export type RollupSet = (typeof USAGE_ROLLUP_SETS)[number] | (typeof MCP_ROLLUP_SETS)[number];
/** Minute buckets keep only these sets (a minute query spans at most a few hours, 'full' serves the rest). */
export const MINUTE_SETS = ['total', 'full'] as const;
const union = (name: string, values: readonly string[]) => `(${values.map((v, i) => (i === 0 ? `select '${v}' as ${name}` : `select '${v}'`)).join(' union all ')})`;

/**
 * Rows are upserted in primary-key order, so two instances writing overlapping batches on
 * PostgreSQL lock rollup rows in the same order instead of deadlocking (a deadlock would only be
 * retried by the writer on its next tick, but costs a round).
 */
function rollupSql({ source, target, dims, sums }: RollupSpec, sets: readonly string[]): string {
  const dimNames = Object.keys(dims);
  const key = ['organisation_id', 'granularity', 'rollup_set', 'bucket', ...dimNames.filter((d) => d !== 'organisation_id')];
  const always = new Set(['organisation_id', 'status']);
  const counts = ['requests', ...Object.keys(sums), 'latency_sum_ms', ...HISTOGRAM_COLUMNS];
  // Level 1, once per raw row: the minute and every dimension, latency bucketed; summed per
  // minute × combination (the CASE work happens here, on the batch's rows only).
  const level1 = [
    'substr(r.created_at, 1, 16) as minute', ...Object.entries(dims).map(([n, e]) => `${e} as ${n}`), 'count(*) as requests',
    ...Object.entries(sums).map(([n, e]) => `sum(${e}) as ${n}`), 'sum(r.latency_ms) as latency_sum_ms',
    ...HISTOGRAM_COLUMNS.map((h, i) => `sum(case when ${latencyCase} = ${i} then 1 else 0 end) as ${h}`),
  ];
  // Level 2: each level-1 row fanned out to every granularity and rollup set; plain sums only.
  const bucket = `case g.granularity when 'minute' then x.minute || ':00.000Z' when 'hour' then substr(x.minute, 1, 13) || ':00:00.000Z' else substr(x.minute, 1, 10) || 'T00:00:00.000Z' end`;
  const dim = (n: string) => (always.has(n) ? `x.${n}` : `case when s.rollup_set in ('full', '${n}') then x.${n} else '' end`);
  // By position: PostgreSQL would read a bare name like `status` as the raw column, not the expression.
  const byPosition = Array.from({ length: 1 + dimNames.length }, (_, i) => i + 1).join(', ');
  const level2 = ['g.granularity', 's.rollup_set', `${bucket} as bucket`, ...dimNames.map((n) => `${dim(n)} as ${n}`), ...counts.map((c) => `x.${c}`)];
  const columns = ['granularity', 'rollup_set', 'bucket', ...dimNames, ...counts];
  const add = counts.map((c) => `${c} = ${target}.${c} + excluded.${c}`);
  return `insert into ${target} (${columns.join(', ')})
select granularity, rollup_set, bucket, ${dimNames.join(', ')}, ${counts.map((c) => `sum(${c})`).join(', ')}
from (select ${level2.join(', ')}
      from (select ${level1.join(', ')} from ${source} r where ${IDS_MARKER} group by ${byPosition}) x
      cross join ${granularities} g cross join ${union('rollup_set', sets)} s
      where g.granularity <> 'minute' or s.rollup_set in (${MINUTE_SETS.map((m) => `'${m}'`).join(', ')})) y
where true
group by granularity, rollup_set, bucket, ${dimNames.join(', ')}
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
  }, USAGE_ROLLUP_SETS),
  mcp_usage_records: rollupSql({
    source: 'mcp_usage_records', target: 'mcp_usage_rollups',
    dims: {
      organisation_id: 'r.organisation_id', api_key_id: `coalesce(r.api_key_id, '')`, mcp_server_id: `coalesce(r.mcp_server_id, '')`,
      tool: `coalesce(r.tool, r.method, '')`, status: statusCase,
    },
    sums: { errors: 'case when r.status >= 400 then 1 else 0 end', blocked: 'r.blocked', bytes_in: 'r.bytes_in', bytes_out: 'r.bytes_out' },
  }, MCP_ROLLUP_SETS),
} as const;

/** SQLite: the batch's ids arrive as one JSON array parameter. */
export const sqliteRollupSql = (table: keyof typeof ROLLUP_SQL) => ROLLUP_SQL[table].replace(IDS_MARKER, 'r.id in (select value from json_each(?))');

/**
 * Retention: what may be deleted, oldest first, in slices. Raw tables by `created_at`, minute
 * rollups by bucket; hour and day rollups are kept for good.
 */
interface RetentionSpec { table: string; column: string; rollupSet?: string }
/** One target per rollup set, so each slice walks one (organisation, 'minute', set) prefix of the key. */
export const RETENTION_TARGETS: Record<string, RetentionSpec> = {
  usage_records: { table: 'usage_records', column: 'created_at' },
  mcp_usage_records: { table: 'mcp_usage_records', column: 'created_at' },
  ...Object.fromEntries(MINUTE_SETS.map((set) => [`usage_rollups:${set}`, { table: 'usage_rollups', column: 'bucket', rollupSet: set }])),
  ...Object.fromEntries(MINUTE_SETS.map((set) => [`mcp_usage_rollups:${set}`, { table: 'mcp_usage_rollups', column: 'bucket', rollupSet: set }])),
};
export type RetentionTarget = string;
export const RAW_TARGETS = ['usage_records', 'mcp_usage_records'];
export const MINUTE_ROLLUP_TARGETS = Object.keys(RETENTION_TARGETS).filter((t) => RETENTION_TARGETS[t].rollupSet);

/** The condition beyond organisation and time that a target's rows share (minute rollups of one set). */
export function retentionScope(t: RetentionSpec): string {
  return t.rollupSet ? ` and granularity = 'minute' and rollup_set = '${t.rollupSet}'` : '';
}

/** SQLite slice delete: (organisation_id, before, limit). Uses the (organisation_id, time) indexes. */
export function sqliteRetentionSql(target: RetentionTarget): string {
  const t = RETENTION_TARGETS[target];
  return `delete from ${t.table} where rowid in (select rowid from ${t.table} where organisation_id = ?${retentionScope(t)} and ${t.column} < ? limit ?)`;
}
