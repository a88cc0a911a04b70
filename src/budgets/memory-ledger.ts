import { refuses, type BudgetLedger, type CounterState, type LedgerCounter, type ReserveResult, type SettleItem, type SettleResult } from './budget-ledger.ts';

interface Entry extends CounterState {
  expiresAt: number | null;
}

/**
 * The in-process ledger (embedded mode). JavaScript runs one call at a time, so each method is
 * atomic as long as it does not await. Idle counters are dropped after their TTL.
 */
export class MemoryLedger implements BudgetLedger {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private sweepAt = 0;

  constructor(opts: { now?: () => number } = {}) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  async reserve(counters: LedgerCounter[]): Promise<ReserveResult> {
    const now = this.now();
    this.sweep(now);
    const missing: number[] = [];
    counters.forEach((c, i) => {
      if (!this.live(c.key, now) && c.base === undefined) missing.push(i);
    });
    if (missing.length) return { ok: false, reason: 'missing', indexes: missing };
    for (const c of counters) {
      if (!this.live(c.key, now)) this.entries.set(c.key, { spent: c.base ?? 0, reserved: 0, expiresAt: expiry(now, c.ttlMs) });
    }
    for (let i = 0; i < counters.length; i++) {
      const e = this.entries.get(counters[i].key)!;
      if (refuses(counters[i], e)) return { ok: false, reason: 'exceeded', index: i, state: { spent: e.spent, reserved: e.reserved } };
    }
    return {
      ok: true,
      states: counters.map((c) => {
        const e = this.entries.get(c.key)!;
        e.reserved += c.amount;
        e.expiresAt = expiry(now, c.ttlMs);
        return { spent: e.spent, reserved: e.reserved };
      }),
    };
  }

  async settle(items: SettleItem[]): Promise<SettleResult[]> {
    const now = this.now();
    return items.map((it) => {
      const e = this.live(it.key, now);
      if (!e) return null;
      e.reserved = Math.max(0, e.reserved - it.reserved);
      const before = e.spent;
      e.spent += it.actual;
      e.expiresAt = expiry(now, it.ttlMs);
      return { before, after: e.spent };
    });
  }

  async peek(keys: string[]): Promise<(CounterState | null)[]> {
    const now = this.now();
    return keys.map((k) => {
      const e = this.live(k, now);
      return e ? { spent: e.spent, reserved: e.reserved } : null;
    });
  }

  /** Forgets every counter (tests: what a restart of the process does to it). */
  clear(): void {
    this.entries.clear();
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && e.expiresAt !== null && e.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private sweep(now: number): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + 60_000;
    for (const [k, e] of this.entries) if (e.expiresAt !== null && e.expiresAt <= now) this.entries.delete(k);
  }
}

const expiry = (now: number, ttlMs: number | null) => (ttlMs === null ? null : now + ttlMs);
