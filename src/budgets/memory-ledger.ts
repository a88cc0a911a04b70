import { refuses, type BudgetLedger, type CounterState, type HoldRef, type LedgerCounter, type ReserveResult, type SettleItem, type SettleResult } from './budget-ledger.ts';

interface Entry extends CounterState {
  expiresAt: number | null;
  /** Reservations in flight: hold id → amount and lease expiry. */
  holds: Map<string, { amount: number; until: number }>;
}

/**
 * The in-process ledger (embedded mode). JavaScript runs one call at a time, so each method is
 * atomic as long as it does not await. Idle counters are dropped after their TTL; expired holds
 * (a call that never settled) give their reservation back.
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

  async reserve(counters: LedgerCounter[], hold: HoldRef): Promise<ReserveResult> {
    const now = this.now();
    this.sweep(now);
    const missing: number[] = [];
    counters.forEach((c, i) => {
      if (!this.live(c.key, now) && c.base === undefined) missing.push(i);
    });
    if (missing.length) return { ok: false, reason: 'missing', indexes: missing };
    for (const c of counters) {
      if (!this.live(c.key, now)) this.entries.set(c.key, { spent: c.base ?? 0, reserved: 0, expiresAt: expiry(now, c.ttlMs), holds: new Map() });
    }
    for (let i = 0; i < counters.length; i++) {
      const e = this.entries.get(counters[i].key)!;
      expireHolds(e, now);
      if (refuses(counters[i], e)) return { ok: false, reason: 'exceeded', index: i, state: { spent: e.spent, reserved: e.reserved } };
    }
    return {
      ok: true,
      states: counters.map((c) => {
        const e = this.entries.get(c.key)!;
        e.reserved += c.amount;
        const held = e.holds.get(hold.id);
        e.holds.set(hold.id, { amount: (held?.amount ?? 0) + c.amount, until: now + hold.ttlMs });
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
      // Only a lease still held is given back: an expired one was returned already.
      const held = e.holds.get(it.holdId);
      if (held) {
        e.holds.delete(it.holdId);
        e.reserved = Math.max(0, e.reserved - held.amount);
      }
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
      if (!e) return null;
      expireHolds(e, now);
      return { spent: e.spent, reserved: e.reserved };
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

function expireHolds(e: Entry, now: number): void {
  for (const [id, h] of e.holds) {
    if (h.until > now) continue;
    e.holds.delete(id);
    e.reserved = Math.max(0, e.reserved - h.amount);
  }
}

const expiry = (now: number, ttlMs: number | null) => (ttlMs === null ? null : now + ttlMs);
