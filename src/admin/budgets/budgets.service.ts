import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { nowIso } from '../../store/db.ts';
import type { BudgetRepo, OwnerType } from '../../store/repos/budget.repo.ts';
import type { BudgetTable } from '../../store/schema.ts';
import { DEFAULT_THRESHOLDS } from '../../budgets/budget-definitions.ts';
import { parseUsd } from '../../budgets/money.ts';
import type { PageParams } from '../shared/validation.ts';

export interface BudgetInput {
  ownerType: OwnerType;
  ownerId: string;
  period: string;
  timezone?: string;
  amountUsd: string;
  rollover?: boolean;
  thresholds?: number[];
  action?: 'BLOCK' | 'ALERT';
}
export type BudgetPatch = Partial<Omit<BudgetInput, 'ownerType' | 'ownerId'>>;

export interface BudgetServiceDeps {
  repo: Pick<BudgetRepo, 'listBudgets' | 'findBudget' | 'insertBudget' | 'updateBudget' | 'deleteBudget' | 'ownerExists'>;
  /** Budget definitions are cached per organisation on every instance: changes drop them. */
  invalidateOrg(orgId: string): Promise<void>;
}

const amountOf = (text: string) => {
  const n = parseUsd(text);
  if (n === null) throw new GatewayError('invalid_request', 'amountUsd must be a non-negative decimal string with at most 9 decimal places, such as "250.00"', { field: 'amountUsd' });
  return n;
};
const thresholdsOf = (t: number[]) => JSON.stringify([...new Set(t)].sort((a, b) => a - b));

/** Budgets of an organisation's owners (the organisation itself, its teams, users and keys). */
export function createBudgetService(deps: BudgetServiceDeps) {
  const get = async (orgId: string, id: string): Promise<BudgetTable> => {
    const b = await deps.repo.findBudget(orgId, id);
    if (!b) throw new GatewayError('not_found', 'Budget not found');
    return b;
  };
  return {
    list: (orgId: string, page: PageParams, owner?: { type: string; id: string }) => deps.repo.listBudgets(orgId, page, owner),
    get,

    async create(orgId: string, input: BudgetInput): Promise<BudgetTable> {
      // An owner of another organisation is as unknown as one that does not exist.
      if (!(await deps.repo.ownerExists(orgId, input.ownerType, input.ownerId))) {
        throw new GatewayError('invalid_request', `ownerId does not name a ${input.ownerType.toLowerCase().replace('_', ' ')} of this organisation`, { field: 'ownerId' });
      }
      const now = nowIso();
      const b: BudgetTable = {
        id: randomUUID(), organisation_id: orgId, owner_type: input.ownerType, owner_id: input.ownerId, period: input.period,
        timezone: input.timezone ?? 'UTC', amount_nano_usd: amountOf(input.amountUsd), rollover: input.rollover ? 1 : 0,
        thresholds: thresholdsOf(input.thresholds ?? DEFAULT_THRESHOLDS), action: input.action ?? 'BLOCK', created_at: now, updated_at: now,
      };
      await deps.repo.insertBudget(b);
      await deps.invalidateOrg(orgId);
      return b;
    },

    async update(orgId: string, id: string, patch: BudgetPatch): Promise<BudgetTable> {
      await get(orgId, id);
      const set: Partial<BudgetTable> = { updated_at: nowIso() };
      if (patch.period !== undefined) set.period = patch.period;
      if (patch.timezone !== undefined) set.timezone = patch.timezone;
      if (patch.amountUsd !== undefined) set.amount_nano_usd = amountOf(patch.amountUsd);
      if (patch.rollover !== undefined) set.rollover = patch.rollover ? 1 : 0;
      if (patch.thresholds !== undefined) set.thresholds = thresholdsOf(patch.thresholds);
      if (patch.action !== undefined) set.action = patch.action;
      await deps.repo.updateBudget(orgId, id, set);
      await deps.invalidateOrg(orgId);
      return get(orgId, id);
    },

    async delete(orgId: string, id: string): Promise<void> {
      await get(orgId, id);
      await deps.repo.deleteBudget(orgId, id);
      await deps.invalidateOrg(orgId);
    },
  };
}

export type BudgetService = ReturnType<typeof createBudgetService>;
