import type { Kysely } from 'kysely';
import type { ApiKeyTable, Database, McpServerTable, ModelTable } from '../schema.ts';
import { pageQuery, type PageParams } from './paging.ts';

/** Model grants (api_key_model_access) and MCP grants (api_key_mcp_access): key × target, one organisation. */
const KINDS = {
  model: { table: 'api_key_model_access', column: 'model_id', targets: 'models' },
  mcp: { table: 'api_key_mcp_access', column: 'mcp_server_id', targets: 'mcp_servers' },
} as const;
export type GrantKind = keyof typeof KINDS;
export interface TargetRow { model: ModelTable; mcp: McpServerTable }

export function grantRepo(db: Kysely<Database>) {
  return {
    /** Which of these key ids are keys of this organisation. */
    async keysInOrg(orgId: string, keyIds: string[]): Promise<string[]> {
      const rows = await db.selectFrom('api_keys').select('id').where('organisation_id', '=', orgId).where('id', 'in', keyIds).execute();
      return rows.map((r) => r.id);
    },
    /** Which of these target ids are models (or MCP servers) of this organisation. */
    async targetsInOrg(orgId: string, kind: GrantKind, targetIds: string[]): Promise<string[]> {
      const rows = await db.selectFrom(KINDS[kind].targets).select('id').where('organisation_id', '=', orgId).where('id', 'in', targetIds).execute();
      return rows.map((r) => r.id);
    },
    /** Inserts every key × target pair; pairs granted already are kept as they are. */
    async insertPairs(orgId: string, kind: GrantKind, keyIds: string[], targetIds: string[], now: string): Promise<number> {
      const k = KINDS[kind];
      const rows = keyIds.flatMap((key) => targetIds.map((t) => ({ api_key_id: key, [k.column]: t, organisation_id: orgId, created_at: now })));
      await db.insertInto(k.table).values(rows as never).onConflict((oc) => oc.columns(['api_key_id', k.column] as never).doNothing()).execute();
      return rows.length;
    },
    /** True when there was a grant to delete. */
    async delete(orgId: string, kind: GrantKind, keyId: string, targetId: string): Promise<boolean> {
      const k = KINDS[kind];
      const r = await db.deleteFrom(k.table).where('organisation_id', '=', orgId).where('api_key_id', '=', keyId).where(k.column as never, '=', targetId as never).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    modelsOfKey(orgId: string, keyId: string, p: PageParams): Promise<ModelTable[]> {
      return pageQuery(db.selectFrom('models').innerJoin('api_key_model_access', 'api_key_model_access.model_id', 'models.id')
        .selectAll('models').where('api_key_model_access.api_key_id', '=', keyId).where('models.organisation_id', '=', orgId), 'models', p).execute();
    },
    serversOfKey(orgId: string, keyId: string, p: PageParams): Promise<McpServerTable[]> {
      return pageQuery(db.selectFrom('mcp_servers').innerJoin('api_key_mcp_access', 'api_key_mcp_access.mcp_server_id', 'mcp_servers.id')
        .selectAll('mcp_servers').where('api_key_mcp_access.api_key_id', '=', keyId).where('mcp_servers.organisation_id', '=', orgId), 'mcp_servers', p).execute();
    },
    keysOfModel(orgId: string, modelId: string, p: PageParams): Promise<ApiKeyTable[]> {
      return pageQuery(db.selectFrom('api_keys').innerJoin('api_key_model_access', 'api_key_model_access.api_key_id', 'api_keys.id')
        .selectAll('api_keys').where('api_key_model_access.model_id', '=', modelId).where('api_keys.organisation_id', '=', orgId), 'api_keys', p).execute();
    },
    keysOfServer(orgId: string, serverId: string, p: PageParams): Promise<ApiKeyTable[]> {
      return pageQuery(db.selectFrom('api_keys').innerJoin('api_key_mcp_access', 'api_key_mcp_access.api_key_id', 'api_keys.id')
        .selectAll('api_keys').where('api_key_mcp_access.mcp_server_id', '=', serverId).where('api_keys.organisation_id', '=', orgId), 'api_keys', p).execute();
    },
  };
}
export type GrantRepo = ReturnType<typeof grantRepo>;
