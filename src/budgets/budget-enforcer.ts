import { randomUUID } from 'node:crypto';
import { GatewayError } from '../errors/index.ts';
import type { BudgetRepo, SpendScope } from '../store/repos/budget.repo.ts';
import type { BudgetLedger, LedgerCounter } from './budget-ledger.ts';
import { appliesTo, type BudgetDef, type BudgetDefinitions, type CallOwner, type QuotaDef } from './budget-definitions.ts';
import { periodBounds, previousPeriod, type PeriodBounds } from './period-math.ts';
import { formatUsd } from './money.ts';

/** What a call may consume (before) or did consume (after). */
export interface Consumption {
  costNano: number;
  inputTokens: number;
  outputTokens: number;
}

/** One counter a call reserved on. Plain JSON, so a hold can cross a process boundary. */
export interface HoldItem {
  kind: 'budget' | 'quota';
  id: string;
  key: string;
  reserved: number;
  limit: number;
  ttlMs: number | null;
  periodStart: number;
  metric?: QuotaDef['metric'];
}

export interface Hold {
  orgId: string;
  /** The ledger lease of this call's reservations. */
  holdId: string;
  items: HoldItem[];
}

/** A threshold a settle carried spend across (fired at most once per budget, period and threshold by the sink). */
export interface ThresholdCrossing {
  orgId: string;
  budgetId: string;
  periodStart: number;
  threshold: number;
  spentNano: number;
  limitNano: number;
}

export interface EnforcerDeps {
  ledger: BudgetLedger;
  definitions: Pick<BudgetDefinitions, 'get'>;
  repo: Pick<BudgetRepo, 'spentNano' | 'unitsUsed'>;
  now?: () => number;
  /**
   * How long a call's reservations are held if it never settles (its instance died): then the
   * ledger gives them back. Longer than any call runs. Default one hour.
   */
  holdTtlMs?: number;
  onCrossing?: (c: ThresholdCrossing) => void;
  onError?: (e: unknown, what: string) => void;
}

export interface BudgetStatus {
  spentNano: number;
  reservedNano: number;
  limitNano: number;
  bounds: PeriodBounds;
}

const DAY = 86_400_000;
export const SCOPE_NAME = { ORGANISATION: 'organisation', TEAM: 'team', USER: 'user', API_KEY: 'key' } as const;
const unitsOf = (metric: QuotaDef['metric'], c: Consumption) =>
  metric === 'REQUESTS' ? 1 : metric === 'INPUT_TOKENS' ? c.inputTokens : metric === 'OUTPUT_TOKENS' ? c.outputTokens : c.inputTokens + c.outputTokens;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/**
 * Reserves a call's worst case on every budget and quota that applies to it, in one ledger step,
 * and settles at the real consumption afterwards (see README.md for the overspend bound). When
 * the ledger lacks a counter (first use in a period, restart, Redis flush), its spend is summed
 * from the usage records and handed to the ledger, which installs it only if nobody did first.
 */
export class BudgetEnforcer {
  private readonly now: () => number;
  /** Unused amount of the previous period, per budget period (SQL once per period and instance). */
  private readonly carry = new Map<string, Promise<number>>();

  private readonly holdTtlMs: number;

  constructor(private readonly deps: EnforcerDeps) {
    this.now = deps.now ?? Date.now;
    this.holdTtlMs = deps.holdTtlMs ?? 3_600_000;
  }

  /** Null when nothing applies (no ledger call at all). Throws budget_exceeded / quota_exceeded. */
  async reserve(owner: CallOwner, est: Consumption, opts: { budgetsOnly?: boolean } = {}): Promise<Hold | null> {
    const limits = await this.deps.definitions.get(owner.orgId);
    if (limits.budgets.length === 0 && limits.quotas.length === 0) return null;
    const now = this.now();
    const items: HoldItem[] = [];
    const counters: LedgerCounter[] = [];
    const defs: (BudgetDef | QuotaDef)[] = [];
    for (const b of limits.budgets) {
      if (!appliesTo(b, owner)) continue;
      const bounds = periodBounds(b.period, b.timezone, now, b.createdAt);
      const limit = b.amountNano + (await this.carryOf(b, bounds));
      const item: HoldItem = { kind: 'budget', id: b.id, key: `b:${b.id}:${bounds.start}`, reserved: Math.max(0, Math.ceil(est.costNano)), limit, ttlMs: ttlOf(bounds, now), periodStart: bounds.start };
      items.push(item);
      defs.push(b);
      counters.push({ key: item.key, limit, amount: item.reserved, enforce: b.action === 'BLOCK', ttlMs: item.ttlMs });
    }
    for (const q of limits.quotas) {
      if (opts.budgetsOnly || !appliesTo(q, owner)) continue;
      const bounds = periodBounds(q.period, q.timezone, now, q.createdAt);
      const item: HoldItem = { kind: 'quota', id: q.id, key: `q:${q.id}:${bounds.start}`, reserved: Math.max(0, Math.ceil(unitsOf(q.metric, est))), limit: q.limit, ttlMs: ttlOf(bounds, now), periodStart: bounds.start, metric: q.metric };
      items.push(item);
      defs.push(q);
      counters.push({ key: item.key, limit: q.limit, amount: item.reserved, enforce: true, ttlMs: item.ttlMs });
    }
    if (counters.length === 0) return null;

    const holdId = randomUUID();
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await this.deps.ledger.reserve(counters, { id: holdId, ttlMs: this.holdTtlMs });
      if (r.ok) return { orgId: owner.orgId, holdId, items };
      if (r.reason === 'exceeded') throw refusal(defs[r.index], items[r.index], r.state.spent, r.state.reserved, now);
      await Promise.all(r.indexes.map(async (i) => { counters[i].base = await this.rebuild(defs[i], items[i]); }));
    }
    throw new GatewayError('store_unavailable', 'The budget ledger could not be rebuilt; try again shortly', {}, { 'retry-after': '1' });
  }

  /**
   * Settles every counter of a hold at what the call consumed; `counted` false releases it, `atLeastReserved`
   * charges no less than the reservation (a cut stream, whose real usage is unknown). Never rejects.
   */
  async settle(hold: Hold, actual: Consumption, counted = true, atLeastReserved = false): Promise<void> {
    try {
      const results = await this.deps.ledger.settle(hold.items.map((it) => {
        const used = Math.max(0, Math.round(it.kind === 'budget' ? actual.costNano : unitsOf(it.metric!, actual)));
        return { key: it.key, holdId: hold.holdId, ttlMs: it.ttlMs, actual: !counted ? 0 : atLeastReserved ? Math.max(used, it.reserved) : used };
      }));
      if (!this.deps.onCrossing) return;
      const limits = await this.deps.definitions.get(hold.orgId);
      hold.items.forEach((it, i) => {
        const r = results[i];
        if (it.kind !== 'budget' || !r || r.after <= r.before) return;
        const def = limits.budgets.find((b) => b.id === it.id);
        for (const t of def?.thresholds ?? []) {
          const mark = (it.limit * t) / 100;
          if (r.before < mark && r.after >= mark) {
            this.deps.onCrossing!({ orgId: hold.orgId, budgetId: it.id, periodStart: it.periodStart, threshold: t, spentNano: r.after, limitNano: it.limit });
          }
        }
      });
    } catch (e) {
      // The usage record still carries the cost; a rebuilt counter will count it.
      this.deps.onError?.(e, 'budget settle');
    }
  }

  /** What GET answers for a budget: the ledger's view, or the usage records' when the ledger has no counter. */
  async budgetStatus(b: BudgetDef): Promise<BudgetStatus> {
    const now = this.now();
    const bounds = periodBounds(b.period, b.timezone, now, b.createdAt);
    const limitNano = b.amountNano + (await this.carryOf(b, bounds));
    const [state] = await this.deps.ledger.peek([`b:${b.id}:${bounds.start}`]).catch(() => [null]);
    if (state) return { spentNano: state.spent, reservedNano: state.reserved, limitNano, bounds };
    return { spentNano: await this.deps.repo.spentNano(scopeOf(b, bounds)), reservedNano: 0, limitNano, bounds };
  }

  async quotaStatus(q: QuotaDef): Promise<{ used: number; reserved: number; bounds: PeriodBounds }> {
    const bounds = periodBounds(q.period, q.timezone, this.now(), q.createdAt);
    const [state] = await this.deps.ledger.peek([`q:${q.id}:${bounds.start}`]).catch(() => [null]);
    if (state) return { used: state.spent, reserved: state.reserved, bounds };
    return { used: await this.deps.repo.unitsUsed(scopeOf(q, bounds), q.metric), reserved: 0, bounds };
  }

  private rebuild(def: BudgetDef | QuotaDef, item: HoldItem): Promise<number> {
    const scope = scopeOf(def, { start: item.periodStart, end: null });
    return item.kind === 'budget' ? this.deps.repo.spentNano(scope) : this.deps.repo.unitsUsed(scope, item.metric!);
  }

  /** Rollover: what the previous period left unused, if the budget existed then. */
  private carryOf(b: BudgetDef, bounds: PeriodBounds): Promise<number> | number {
    if (!b.rollover) return 0;
    const prev = previousPeriod(b.period, b.timezone, bounds.start);
    if (!prev || prev.end === null || prev.end <= b.createdAt) return 0;
    const key = `${b.id}:${bounds.start}:${b.amountNano}`;
    let p = this.carry.get(key);
    if (!p) {
      if (this.carry.size > 10_000) this.carry.clear();
      p = this.deps.repo.spentNano(scopeOf(b, prev)).then((spent) => Math.max(0, b.amountNano - spent));
      this.carry.set(key, p);
      p.catch(() => this.carry.delete(key));
    }
    return p;
  }
}

function scopeOf(d: BudgetDef | QuotaDef, bounds: PeriodBounds): SpendScope {
  return { orgId: d.orgId, ownerType: d.ownerType, ownerId: d.ownerId, from: new Date(bounds.start).toISOString(), to: iso(bounds.end) };
}

/** Counters outlive their period by a day, so late settles still find them. */
function ttlOf(bounds: PeriodBounds, now: number): number | null {
  return bounds.end === null ? null : Math.max(1, bounds.end - now) + DAY;
}

function refusal(def: BudgetDef | QuotaDef, item: HoldItem, spent: number, reserved: number, now: number): GatewayError {
  const scope = SCOPE_NAME[def.ownerType];
  const resetsAt = iso(periodBounds(def.period, def.timezone, item.periodStart, def.createdAt).end);
  if (item.kind === 'budget') {
    return new GatewayError('budget_exceeded', `The ${scope} budget for this period is spent`, {
      scope, budget_id: def.id, limit: formatUsd(item.limit), spent: formatUsd(spent), reserved: formatUsd(reserved), resets_at: resetsAt,
    });
  }
  const retry = resetsAt === null ? undefined : Math.max(1, Math.ceil((Date.parse(resetsAt) - now) / 1000));
  return new GatewayError('quota_exceeded', `The ${scope} quota of ${(def as QuotaDef).metric.toLowerCase()} for this period is used up`, {
    scope, quota_id: def.id, metric: (def as QuotaDef).metric, limit: item.limit, spent, reserved, resets_at: resetsAt,
  }, retry === undefined ? {} : { 'retry-after': String(retry) });
}
