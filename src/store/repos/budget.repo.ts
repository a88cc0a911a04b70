import { sql, type Kysely } from 'kysely';
import type { BudgetAlertTable, BudgetTable, Database, QuotaTable } from '../schema.ts';
import { pageQuery, type PageParams } from './paging.ts';

export type OwnerType = 'ORGANISATION' | 'TEAM' | 'USER' | 'API_KEY';
export type QuotaMetric = 'REQUESTS' | 'TOKENS' | 'INPUT_TOKENS' | 'OUTPUT_TOKENS';

/** Whose usage a budget or quota counts, and over which instants [from, to). */
export interface SpendScope {
  orgId: string;
  ownerType: OwnerType;
  ownerId: string;
  from: string;
  to: string | null;
}

const OWNER_COLUMN = { TEAM: 'team_id', USER: 'user_id', API_KEY: 'api_key_id' } as const;
const num = (v: unknown) => Number(v ?? 0);

/** Budgets, quotas and budget alerts of an organisation, and the usage sums their ledgers are rebuilt from. */
export function budgetRepo(db: Kysely<Database>) {
  /** Model usage and MCP usage of one owner in a period (MCP records carry the key only: team and user come from it). */
  const usageOf = (s: SpendScope) => {
    let q = db.selectFrom('usage_records').where('organisation_id', '=', s.orgId).where('created_at', '>=', s.from);
    if (s.to) q = q.where('created_at', '<', s.to);
    if (s.ownerType !== 'ORGANISATION') q = q.where(OWNER_COLUMN[s.ownerType], '=', s.ownerId);
    return q;
  };
  const mcpUsageOf = (s: SpendScope) => {
    let q = db.selectFrom('mcp_usage_records').where('mcp_usage_records.organisation_id', '=', s.orgId).where('mcp_usage_records.created_at', '>=', s.from);
    if (s.to) q = q.where('mcp_usage_records.created_at', '<', s.to);
    if (s.ownerType === 'API_KEY') q = q.where('mcp_usage_records.api_key_id', '=', s.ownerId);
    else if (s.ownerType !== 'ORGANISATION') {
      const col = s.ownerType === 'TEAM' ? 'team_id' : 'user_id';
      q = q.where('mcp_usage_records.api_key_id', 'in', db.selectFrom('api_keys').select('id').where('organisation_id', '=', s.orgId).where(col, '=', s.ownerId));
    }
    return q;
  };

  return {
    listBudgets: (orgId: string, page: PageParams, owner?: { type: string; id: string }) => {
      let q = db.selectFrom('budgets').selectAll().where('organisation_id', '=', orgId);
      if (owner) q = q.where('owner_type', '=', owner.type).where('owner_id', '=', owner.id);
      return pageQuery(q, 'budgets', page).execute();
    },
    allBudgets: (orgId: string) => db.selectFrom('budgets').selectAll().where('organisation_id', '=', orgId).execute(),
    findBudget: (orgId: string, id: string) => db.selectFrom('budgets').selectAll().where('organisation_id', '=', orgId).where('id', '=', id).executeTakeFirst(),
    insertBudget: async (b: BudgetTable) => { await db.insertInto('budgets').values(b).execute(); },
    updateBudget: async (orgId: string, id: string, set: Partial<BudgetTable>) => {
      await db.updateTable('budgets').set(set).where('organisation_id', '=', orgId).where('id', '=', id).execute();
    },
    deleteBudget: async (orgId: string, id: string) => {
      await db.deleteFrom('budgets').where('organisation_id', '=', orgId).where('id', '=', id).execute();
    },

    listQuotas: (orgId: string, page: PageParams, owner?: { type: string; id: string }) => {
      let q = db.selectFrom('quotas').selectAll().where('organisation_id', '=', orgId);
      if (owner) q = q.where('owner_type', '=', owner.type).where('owner_id', '=', owner.id);
      return pageQuery(q, 'quotas', page).execute();
    },
    allQuotas: (orgId: string) => db.selectFrom('quotas').selectAll().where('organisation_id', '=', orgId).execute(),
    findQuota: (orgId: string, id: string) => db.selectFrom('quotas').selectAll().where('organisation_id', '=', orgId).where('id', '=', id).executeTakeFirst(),
    insertQuota: async (q: QuotaTable) => { await db.insertInto('quotas').values(q).execute(); },
    updateQuota: async (orgId: string, id: string, set: Partial<QuotaTable>) => {
      await db.updateTable('quotas').set(set).where('organisation_id', '=', orgId).where('id', '=', id).execute();
    },
    deleteQuota: async (orgId: string, id: string) => {
      await db.deleteFrom('quotas').where('organisation_id', '=', orgId).where('id', '=', id).execute();
    },

    /** Whether an owner id names a record of this organisation (a budget on another org's key is refused). */
    async ownerExists(orgId: string, ownerType: OwnerType, ownerId: string): Promise<boolean> {
      if (ownerType === 'ORGANISATION') return ownerId === orgId;
      const table = ownerType === 'TEAM' ? 'teams' : ownerType === 'USER' ? 'users' : 'api_keys';
      return !!(await db.selectFrom(table).select('id').where('organisation_id', '=', orgId).where('id', '=', ownerId).executeTakeFirst());
    },

    /** Settled cost in a period: model calls plus priced MCP tool calls. */
    async spentNano(s: SpendScope): Promise<number> {
      const [a, b] = await Promise.all([
        usageOf(s).select(sql<string>`coalesce(sum(cost_nano_usd), 0)`.as('n')).executeTakeFirst(),
        mcpUsageOf(s).select(sql<string>`coalesce(sum(mcp_usage_records.cost_nano_usd), 0)`.as('n')).executeTakeFirst(),
      ]);
      return num(a?.n) + num(b?.n);
    },

    /** Units of a quota metric consumed in a period. */
    async unitsUsed(s: SpendScope, metric: QuotaMetric): Promise<number> {
      const expr = metric === 'REQUESTS' ? sql<string>`count(*)`
        : metric === 'INPUT_TOKENS' ? sql<string>`coalesce(sum(input_tokens), 0)`
          : metric === 'OUTPUT_TOKENS' ? sql<string>`coalesce(sum(output_tokens), 0)`
            : sql<string>`coalesce(sum(input_tokens + output_tokens), 0)`;
      const q = usageOf(s).select(expr.as('n'));
      // As the gate settles: a call counts once it succeeded or consumed tokens; failures before
      // any token (refusals, upstream errors) were released.
      const r = await (metric === 'REQUESTS' ? q.where((eb) => eb.or([eb('error_code', 'is', null), eb(sql`input_tokens + output_tokens`, '>', 0)])) : q).executeTakeFirst();
      return num(r?.n);
    },

    /** False when this alert was already recorded (another instance, or a rebuilt ledger, saw the crossing first). */
    async insertAlertOnce(a: BudgetAlertTable): Promise<boolean> {
      const r = await db.insertInto('budget_alerts').values(a).onConflict((oc) => oc.columns(['budget_id', 'period_start', 'threshold']).doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    listAlerts: (orgId: string, page: PageParams, budgetId?: string) => {
      let q = db.selectFrom('budget_alerts').selectAll().where('organisation_id', '=', orgId);
      if (budgetId) q = q.where('budget_id', '=', budgetId);
      return pageQuery(q, 'budget_alerts', page).execute();
    },
  };
}

export type BudgetRepo = ReturnType<typeof budgetRepo>;
