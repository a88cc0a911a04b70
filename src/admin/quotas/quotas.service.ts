import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { nowIso } from '../../store/db.ts';
import type { BudgetRepo, OwnerType, QuotaMetric } from '../../store/repos/budget.repo.ts';
import type { QuotaTable } from '../../store/schema.ts';
import type { PageParams } from '../shared/validation.ts';

export interface QuotaInput {
  ownerType: OwnerType;
  ownerId: string;
  period: string;
  timezone?: string;
  metric: QuotaMetric;
  limit: number;
}
export type QuotaPatch = Partial<Pick<QuotaInput, 'period' | 'timezone' | 'metric' | 'limit'>>;

export interface QuotaServiceDeps {
  repo: Pick<BudgetRepo, 'listQuotas' | 'findQuota' | 'insertQuota' | 'updateQuota' | 'deleteQuota' | 'ownerExists'>;
  invalidateOrg(orgId: string): Promise<void>;
}

/** Request and token quotas of an organisation's owners; cached with the budgets, so changes invalidate. */
export function createQuotaService(deps: QuotaServiceDeps) {
  const get = async (orgId: string, id: string): Promise<QuotaTable> => {
    const q = await deps.repo.findQuota(orgId, id);
    if (!q) throw new GatewayError('not_found', 'Quota not found');
    return q;
  };
  return {
    list: (orgId: string, page: PageParams, owner?: { type: string; id: string }) => deps.repo.listQuotas(orgId, page, owner),
    get,

    async create(orgId: string, input: QuotaInput): Promise<QuotaTable> {
      if (!(await deps.repo.ownerExists(orgId, input.ownerType, input.ownerId))) {
        throw new GatewayError('invalid_request', `ownerId does not name a ${input.ownerType.toLowerCase().replace('_', ' ')} of this organisation`, { field: 'ownerId' });
      }
      const now = nowIso();
      const q: QuotaTable = {
        id: randomUUID(), organisation_id: orgId, owner_type: input.ownerType, owner_id: input.ownerId, period: input.period,
        timezone: input.timezone ?? 'UTC', metric: input.metric, limit_value: input.limit, created_at: now, updated_at: now,
      };
      await deps.repo.insertQuota(q);
      await deps.invalidateOrg(orgId);
      return q;
    },

    async update(orgId: string, id: string, patch: QuotaPatch): Promise<QuotaTable> {
      await get(orgId, id);
      const set: Partial<QuotaTable> = { updated_at: nowIso() };
      if (patch.period !== undefined) set.period = patch.period;
      if (patch.timezone !== undefined) set.timezone = patch.timezone;
      if (patch.metric !== undefined) set.metric = patch.metric;
      if (patch.limit !== undefined) set.limit_value = patch.limit;
      await deps.repo.updateQuota(orgId, id, set);
      await deps.invalidateOrg(orgId);
      return get(orgId, id);
    },

    async delete(orgId: string, id: string): Promise<void> {
      await get(orgId, id);
      await deps.repo.deleteQuota(orgId, id);
      await deps.invalidateOrg(orgId);
    },
  };
}
