import type { Kysely } from 'kysely';
import type { Database, RoutingRuleTable } from '../schema.ts';
import { pageQuery, type PageParams } from './paging.ts';

export interface RoutingRuleFilter { modelId?: string; apiKeyId?: string }

/** Routing rules of an organisation: one per (model, key) pair, or per model for the whole organisation. */
export function routingRuleRepo(db: Kysely<Database>) {
  return {
    listPage(orgId: string, f: RoutingRuleFilter, p: PageParams): Promise<RoutingRuleTable[]> {
      let q = db.selectFrom('routing_rules').selectAll().where('organisation_id', '=', orgId);
      if (f.modelId) q = q.where('model_id', '=', f.modelId);
      if (f.apiKeyId) q = q.where('api_key_id', '=', f.apiKeyId);
      return pageQuery(q, 'routing_rules', p).execute();
    },
    /** Every rule of the organisation: the routing table loads them with the models. */
    listOfOrg(orgId: string): Promise<RoutingRuleTable[]> {
      return db.selectFrom('routing_rules').selectAll().where('organisation_id', '=', orgId).execute();
    },
    find(orgId: string, id: string): Promise<RoutingRuleTable | undefined> {
      return db.selectFrom('routing_rules').selectAll().where('organisation_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    },
    /** The rule already covering this model for this key (or organisation-wide when apiKeyId is null). */
    findScope(orgId: string, modelId: string, apiKeyId: string | null): Promise<RoutingRuleTable | undefined> {
      let q = db.selectFrom('routing_rules').selectAll().where('organisation_id', '=', orgId).where('model_id', '=', modelId);
      q = apiKeyId === null ? q.where('api_key_id', 'is', null) : q.where('api_key_id', '=', apiKeyId);
      return q.executeTakeFirst();
    },
    async insert(row: RoutingRuleTable): Promise<void> {
      await db.insertInto('routing_rules').values(row).execute();
    },
    async update(orgId: string, id: string, set: Partial<RoutingRuleTable>): Promise<void> {
      await db.updateTable('routing_rules').set(set).where('organisation_id', '=', orgId).where('id', '=', id).execute();
    },
    async delete(orgId: string, id: string): Promise<void> {
      await db.deleteFrom('routing_rules').where('organisation_id', '=', orgId).where('id', '=', id).execute();
    },
  };
}
export type RoutingRuleRepo = ReturnType<typeof routingRuleRepo>;
