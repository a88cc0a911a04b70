import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import type { BudgetRepo, OwnerType, QuotaMetric } from '../store/repos/budget.repo.ts';
import type { BudgetTable, QuotaTable } from '../store/schema.ts';
import { json } from '../store/json-column.ts';
import type { BudgetPeriod } from './period-math.ts';

export const DEFAULT_THRESHOLDS = [50, 80, 90, 100];

/** What budgets and quotas share: whose they are and how their periods run. */
interface OwnedLimit {
  id: string;
  orgId: string;
  ownerType: OwnerType;
  ownerId: string;
  period: BudgetPeriod;
  timezone: string;
  createdAt: number;
}

export interface BudgetDef extends OwnedLimit {
  amountNano: number;
  rollover: boolean;
  thresholds: number[];
  action: 'BLOCK' | 'ALERT';
}

export interface QuotaDef extends OwnedLimit {
  metric: QuotaMetric;
  limit: number;
}

export interface OrgLimits {
  budgets: BudgetDef[];
  quotas: QuotaDef[];
}

export const budgetDef = (b: BudgetTable): BudgetDef => ({
  id: b.id, orgId: b.organisation_id, ownerType: b.owner_type as OwnerType, ownerId: b.owner_id, period: b.period as BudgetPeriod,
  timezone: b.timezone, amountNano: Number(b.amount_nano_usd), rollover: !!b.rollover, thresholds: json.parse(b.thresholds, DEFAULT_THRESHOLDS),
  action: b.action === 'ALERT' ? 'ALERT' : 'BLOCK', createdAt: Date.parse(b.created_at),
});

export const quotaDef = (q: QuotaTable): QuotaDef => ({
  id: q.id, orgId: q.organisation_id, ownerType: q.owner_type as OwnerType, ownerId: q.owner_id, period: q.period as BudgetPeriod,
  timezone: q.timezone, metric: q.metric as QuotaMetric, limit: Number(q.limit_value), createdAt: Date.parse(q.created_at),
});

/**
 * The budget and quota definitions of each organisation, loaded on first use and kept in process
 * until an invalidation event for the organisation (the admin services publish one on every
 * change): a warm gateway request reads them without SQL.
 */
export class BudgetDefinitions {
  private readonly orgs = new Map<string, Promise<OrgLimits>>();

  constructor(private readonly repo: Pick<BudgetRepo, 'allBudgets' | 'allQuotas'>, bus: InvalidationBus) {
    bus.subscribe((e) => {
      if (e.kind === 'all') this.orgs.clear();
      else if (e.kind === 'org') this.orgs.delete(e.orgId);
    });
  }

  get(orgId: string): Promise<OrgLimits> {
    let p = this.orgs.get(orgId);
    if (!p) {
      p = this.load(orgId);
      this.orgs.set(orgId, p);
      // A failed load (store down) must not be cached.
      p.catch(() => { if (this.orgs.get(orgId) === p) this.orgs.delete(orgId); });
    }
    return p;
  }

  private async load(orgId: string): Promise<OrgLimits> {
    const [budgets, quotas] = await Promise.all([this.repo.allBudgets(orgId), this.repo.allQuotas(orgId)]);
    return { budgets: budgets.map(budgetDef), quotas: quotas.map(quotaDef) };
  }
}

/** The owners a call is charged to: its organisation, and its team, user and key when it has them. */
export interface CallOwner {
  orgId: string;
  teamId: string | null;
  userId: string | null;
  keyId: string;
}

export function appliesTo(d: { ownerType: OwnerType; ownerId: string }, o: CallOwner): boolean {
  switch (d.ownerType) {
    case 'ORGANISATION': return d.ownerId === o.orgId;
    case 'TEAM': return d.ownerId === o.teamId;
    case 'USER': return d.ownerId === o.userId;
    case 'API_KEY': return d.ownerId === o.keyId;
  }
}
