import type { BudgetTable } from '../../store/schema.ts';
import { budgetDef } from '../../budgets/budget-definitions.ts';
import type { BudgetStatus } from '../../budgets/budget-enforcer.ts';
import { formatUsd } from '../../budgets/money.ts';

export const budgetView = (b: BudgetTable, s: BudgetStatus) => {
  const d = budgetDef(b);
  return {
    id: d.id, organisationId: d.orgId, ownerType: d.ownerType, ownerId: d.ownerId, period: d.period, timezone: d.timezone,
    amountUsd: formatUsd(d.amountNano), rollover: d.rollover, thresholds: d.thresholds, action: d.action,
    // The period's limit: the amount plus what the previous period left unused, when rollover is on.
    limitUsd: formatUsd(s.limitNano), spentUsd: formatUsd(s.spentNano), reservedUsd: formatUsd(s.reservedNano),
    remainingUsd: formatUsd(Math.max(0, s.limitNano - s.spentNano - s.reservedNano)),
    periodStart: new Date(s.bounds.start).toISOString(), resetsAt: s.bounds.end === null ? null : new Date(s.bounds.end).toISOString(),
    createdAt: b.created_at, updatedAt: b.updated_at,
  };
};
