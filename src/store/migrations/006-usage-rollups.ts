import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { HISTOGRAM_COLUMNS, IDS_MARKER, ROLLUP_SQL } from '../usage-rollup.sql.ts';

/**
 * Rollups of usage, maintained by the usage writer in the same transaction as the raw rows:
 * one row per granularity (minute, hour, day) × rollup set (see USAGE_ROLLUP_SETS) × UTC bucket × dimensions. Dimensions are
 * never NULL ('' stands for "none") so that the primary key matches on upsert on both
 * dialects (PostgreSQL treats NULLs as distinct). h0..h23 count calls per log-scale latency
 * bucket (see LATENCY_BOUNDS_MS), so percentiles over any range come from summed counts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  type Builder = CreateTableBuilder<string, string>;
  const dim = (t: Builder, name: string) => t.addColumn(name, 'text', (c) => c.notNull().defaultTo(''));
  const count = (t: Builder, name: string) => t.addColumn(name, 'bigint', (c) => c.notNull().defaultTo(0));
  const histogram = (t: Builder) => HISTOGRAM_COLUMNS.reduce((acc, h) => acc.addColumn(h, 'integer', (c) => c.notNull().defaultTo(0)), t);

  let usage = db.schema.createTable('usage_rollups').ifNotExists() as Builder;
  for (const d of ['granularity', 'rollup_set', 'bucket', 'organisation_id', 'api_key_id', 'team_id', 'user_id', 'model_id', 'provider_id', 'status']) usage = dim(usage, d);
  for (const c of ['requests', 'errors', 'input_tokens', 'output_tokens', 'cached_tokens', 'cost_nano_usd', 'latency_sum_ms']) usage = count(usage, c);
  usage = histogram(usage).addPrimaryKeyConstraint('usage_rollups_pk', ['organisation_id', 'granularity', 'rollup_set', 'bucket', 'api_key_id', 'team_id', 'user_id', 'model_id', 'provider_id', 'status']);
  await usage.execute();

  let mcp = db.schema.createTable('mcp_usage_rollups').ifNotExists() as Builder;
  for (const d of ['granularity', 'rollup_set', 'bucket', 'organisation_id', 'api_key_id', 'mcp_server_id', 'tool', 'status']) mcp = dim(mcp, d);
  for (const c of ['requests', 'errors', 'blocked', 'bytes_in', 'bytes_out', 'latency_sum_ms']) mcp = count(mcp, c);
  mcp = histogram(mcp).addPrimaryKeyConstraint('mcp_usage_rollups_pk', ['organisation_id', 'granularity', 'rollup_set', 'bucket', 'api_key_id', 'mcp_server_id', 'tool', 'status']);
  await mcp.execute();

  // Records written before this migration are rolled up once, so analytics cover them too.
  for (const table of ['usage_records', 'mcp_usage_records'] as const) await sql.raw(ROLLUP_SQL[table].replace(IDS_MARKER, '1 = 1')).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('down migrations are not supported; restore from backup');
}
