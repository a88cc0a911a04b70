/**
 * The shared counters behind budgets and quotas. A counter holds what was settled (`spent`) and
 * what calls in flight have reserved (`reserved`) for one budget or quota in one period; its key
 * names the period, so a new period is a new counter. Budgets count nano-USD, quotas units.
 *
 * Every argument and result is plain JSON (no class instances, no functions): the in-process
 * ledger can be hosted in another process (the cluster primary) behind the same interface.
 * Two implementations, one behaviour (testing/ledger.suite.ts): MemoryLedger, RedisLedger.
 */
export interface LedgerCounter {
  key: string;
  /** Refuse when spent + reserved + amount would pass it (only when `enforce`). */
  limit: number;
  /** What this call reserves (its worst case). */
  amount: number;
  /** False for ALERT budgets: the reservation is counted but never refused. */
  enforce: boolean;
  /** How long an idle counter is kept (past its period's end); null keeps it (TOTAL). */
  ttlMs: number | null;
  /**
   * What was settled in this period before the counter existed, summed from the usage records.
   * Used only when the counter is absent (first use, restart, Redis flush); when several callers
   * bring one, the first initialises the counter and the others' are ignored (SET NX semantics).
   */
  base?: number;
}

export interface CounterState {
  spent: number;
  reserved: number;
}

export type ReserveResult =
  /** Every counter took its amount; states are after the reservation. */
  | { ok: true; states: CounterState[] }
  /** Nothing was taken: counter `index` would have passed its limit. */
  | { ok: false; reason: 'exceeded'; index: number; state: CounterState }
  /** Nothing was taken: these counters are absent and need a `base` from the store. */
  | { ok: false; reason: 'missing'; indexes: number[] };

/**
 * The call a reservation belongs to. Its reservations are leases: if it is neither settled nor
 * released within `ttlMs` (its instance crashed), the ledger gives them back by itself.
 */
export interface HoldRef {
  id: string;
  ttlMs: number;
}

export interface SettleItem {
  key: string;
  /** The call whose reservation is returned (unless its lease expired and returned it already). */
  holdId: string;
  /** What it really consumed (added to spent); 0 releases. */
  actual: number;
  ttlMs: number | null;
}

/** Spent before and after a settle; null when the counter was gone (flushed: the usage record rebuilds it). */
export type SettleResult = { before: number; after: number } | null;

export interface BudgetLedger {
  readonly kind: 'memory' | 'redis';
  /** Checks every counter and reserves on all of them, or on none: one atomic step. */
  reserve(counters: LedgerCounter[], hold: HoldRef): Promise<ReserveResult>;
  settle(items: SettleItem[]): Promise<SettleResult[]>;
  /** Current states (null for an absent counter), without changing anything. */
  peek(keys: string[]): Promise<(CounterState | null)[]>;
}

/**
 * The refusal rule both implementations apply (the Lua script mirrors it): an enforced counter
 * refuses a call whose reservation would pass the limit, and anything at all once nothing is left
 * (so free calls stop at an exhausted budget too).
 */
export function refuses(c: Pick<LedgerCounter, 'limit' | 'amount' | 'enforce'>, s: CounterState): boolean {
  if (!c.enforce) return false;
  const used = s.spent + s.reserved;
  return used + c.amount > c.limit || used >= c.limit;
}
