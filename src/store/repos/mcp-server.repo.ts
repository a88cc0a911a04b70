import type { Kysely } from 'kysely';
import type { Database, McpServerTable } from '../schema.ts';
import { pageQuery, type PageParams } from './paging.ts';

/** MCP servers of an organisation (credentials as ciphertext). */
export function mcpServerRepo(db: Kysely<Database>) {
  return {
    listPage(orgId: string, p: PageParams): Promise<McpServerTable[]> {
      return pageQuery(db.selectFrom('mcp_servers').selectAll().where('organisation_id', '=', orgId), 'mcp_servers', p).execute();
    },
    find(orgId: string, serverId: string): Promise<McpServerTable | undefined> {
      return db.selectFrom('mcp_servers').selectAll().where('organisation_id', '=', orgId).where('id', '=', serverId).executeTakeFirst();
    },
    async insert(row: McpServerTable): Promise<void> {
      await db.insertInto('mcp_servers').values(row).execute();
    },
    /** Writes every column but the identity ones (id, organisation, creation time). */
    async replace(row: McpServerTable): Promise<void> {
      const { id, organisation_id, created_at: _c, ...set } = row;
      await db.updateTable('mcp_servers').set(set).where('id', '=', id).where('organisation_id', '=', organisation_id).execute();
    },
    async delete(orgId: string, serverId: string): Promise<void> {
      await db.deleteFrom('mcp_servers').where('id', '=', serverId).where('organisation_id', '=', orgId).execute();
    },
  };
}
export type McpServerRepo = ReturnType<typeof mcpServerRepo>;
