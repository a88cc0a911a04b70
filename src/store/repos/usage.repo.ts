import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Database, McpUsageRecordTable, UsageRecordTable } from '../schema.ts';
import { pageQuery, type PageParams } from './paging.ts';
import { apiKeyRepo } from './api-key.repo.ts';
import { usageRollupRepo } from './usage-rollup.repo.ts';

/** The filters both usage tables share: key, success or error, time range (ISO, from inclusive, to exclusive). */
export interface UsageFilter {
  apiKeyId?: string;
  status?: 'success' | 'error';
  from?: string;
  to?: string;
}

type UsageTable = 'usage_records' | 'mcp_usage_records';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function filtered<QB extends SelectQueryBuilder<Database, UsageTable, any>>(q: QB, orgId: string, f: UsageFilter): QB {
  let r = q.where('organisation_id', '=', orgId);
  if (f.apiKeyId) r = r.where('api_key_id', '=', f.apiKeyId);
  if (f.status === 'success') r = r.where('status', '<', 400);
  if (f.status === 'error') r = r.where('status', '>=', 400);
  if (f.from) r = r.where('created_at', '>=', f.from);
  if (f.to) r = r.where('created_at', '<', f.to);
  return r as QB;
}

/** Usage records: written in batches by the usage writer, read (paged, filtered) by the admin API. */
export function usageRepo(db: Kysely<Database>) {
  const keys = apiKeyRepo(db);
  const rollups = usageRollupRepo(db);
  return {
    listPage(orgId: string, f: UsageFilter & { modelId?: string }, p: PageParams): Promise<UsageRecordTable[]> {
      let q = filtered(db.selectFrom('usage_records').selectAll(), orgId, f);
      if (f.modelId) q = q.where('model_id', '=', f.modelId);
      return pageQuery(q, 'usage_records', p).execute();
    },
    listMcpPage(orgId: string, f: UsageFilter & { mcpServerId?: string }, p: PageParams): Promise<McpUsageRecordTable[]> {
      let q = filtered(db.selectFrom('mcp_usage_records').selectAll(), orgId, f);
      if (f.mcpServerId) q = q.where('mcp_server_id', '=', f.mcpServerId);
      return pageQuery(q, 'mcp_usage_records', p).execute();
    },
    /**
     * Ids are generated when a record is queued: a retried batch skips the rows already written.
     * The batch's rollups are upserted in the same transaction (usage-rollup.repo.ts).
     */
    async insertUsage(rows: UsageRecordTable[]): Promise<void> {
      await rollups.insertWithRollups('usage_records', rows);
    },
    async insertMcpUsage(rows: McpUsageRecordTable[]): Promise<void> {
      await rollups.insertWithRollups('mcp_usage_records', rows);
    },
    touchLastUsed: keys.touchLastUsed,
  };
}
export type UsageRepo = ReturnType<typeof usageRepo>;
