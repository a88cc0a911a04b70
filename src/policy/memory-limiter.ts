import {
  evalWindow,
  type AcquireResult, type CheckState, type FinishOp, type LimitCheck, type LimiterStore,
} from './limiter-store.ts';

interface WindowState { k: 'w'; w: number; c: number; p: number; exp: number }
interface BucketState { k: 'b'; t: number; ts: number; exp: number }
interface LeaseState { k: 'l'; leases: Map<string, number>; exp: number }
type State = WindowState | BucketState | LeaseState;

const CONCURRENCY_RETRY_MS = 1000;
const SWEEP_EVERY_MS = 10_000;

export interface MemoryLimiterOptions {
  /** Clock in epoch ms; tests inject one to step through windows and TTLs. */
  now?: () => number;
}

/**
 * In-process limiter: embedded mode, and every instance's own fallback while Redis is down.
 * Single-threaded JS makes each acquire atomic. Idle entries are swept lazily, so the map
 * stays bounded by the keys active in the last couple of windows.
 */
export class MemoryLimiter implements LimiterStore {
  readonly kind = 'memory' as const;
  private readonly now: () => number;
  private readonly states = new Map<string, State>();
  private lastSweep = 0;

  constructor(opts: MemoryLimiterOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  /** Number of live entries (for tests and metrics). */
  get size(): number {
    return this.states.size;
  }

  acquire(checks: readonly LimitCheck[], leaseId: string): Promise<AcquireResult> {
    const now = this.now();
    this.sweep(now);
    for (let i = 0; i < checks.length; i++) {
      const s = this.evaluate(checks[i], now);
      if (!s.ok) return Promise.resolve({ ok: false, index: i, retryAfterMs: s.retryAfterMs });
    }
    for (const c of checks) this.commit(c, now, leaseId);
    return Promise.resolve({ ok: true, at: now });
  }

  peek(checks: readonly LimitCheck[]): Promise<CheckState[]> {
    const now = this.now();
    return Promise.resolve(checks.map((c) => this.evaluate(c, now)));
  }

  finish(op: FinishOp): Promise<void> {
    const now = this.now();
    for (const a of op.adjustments) {
      if (a.delta === 0) continue;
      const rIdx = Math.floor(a.at / a.windowMs);
      const idx = Math.floor(now / a.windowMs);
      const s = this.states.get(a.key);
      const st = s && s.k === 'w' && rIdx >= idx - 1 ? s : undefined;
      if (st && st.w === rIdx) st.c = Math.max(0, st.c + a.delta);
      else if (st && st.w === rIdx + 1) st.p = Math.max(0, st.p + a.delta);
      else if (a.delta > 0) {
        // The reservation's window no longer counts (a long call): charge the overrun to the current one.
        const w = this.window(a.key, idx);
        w.c += a.delta;
        w.exp = now + 2 * a.windowMs;
      }
    }
    for (const key of op.leaseKeys) {
      const s = this.states.get(key);
      if (s && s.k === 'l') s.leases.delete(op.leaseId);
    }
    return Promise.resolve();
  }

  renew(leaseKeys: readonly string[], leaseId: string, ttlMs: number): Promise<void> {
    const now = this.now();
    for (const key of leaseKeys) {
      const s = this.states.get(key);
      if (!s || s.k !== 'l') continue;
      const exp = s.leases.get(leaseId);
      if (exp !== undefined && exp > now) {
        s.leases.set(leaseId, now + ttlMs);
        s.exp = Math.max(s.exp, now + ttlMs);
      }
    }
    return Promise.resolve();
  }

  /** The window rolled forward to `idx` (created when absent). */
  private window(key: string, idx: number): WindowState {
    const s = this.states.get(key);
    if (s && s.k === 'w') {
      if (s.w === idx - 1) { s.p = s.c; s.c = 0; s.w = idx; }
      else if (s.w < idx - 1) { s.p = 0; s.c = 0; s.w = idx; }
      return s;
    }
    const fresh: WindowState = { k: 'w', w: idx, c: 0, p: 0, exp: 0 };
    this.states.set(key, fresh);
    return fresh;
  }

  private evaluate(c: LimitCheck, now: number): CheckState {
    const s = this.states.get(c.key);
    switch (c.kind) {
      case 'window': {
        const idx = Math.floor(now / c.windowMs);
        let cur = 0;
        let prev = 0;
        if (s && s.k === 'w') {
          if (s.w === idx) { cur = s.c; prev = s.p; }
          else if (s.w === idx - 1) prev = s.c;
        }
        return evalWindow(cur, prev, now - idx * c.windowMs, c.windowMs, c.limit, c.cost);
      }
      case 'bucket': {
        const t = s && s.k === 'b' ? refill(s, c.capacity, c.refillPerSec, now) : c.capacity;
        if (t >= 1) return { ok: true, used: Math.floor(c.capacity - t), retryAfterMs: 0 };
        return { ok: false, used: Math.floor(c.capacity - t), retryAfterMs: Math.ceil(((1 - t) * 1000) / c.refillPerSec) };
      }
      case 'lease': {
        let held = 0;
        if (s && s.k === 'l') {
          for (const [id, exp] of s.leases) {
            if (exp <= now) s.leases.delete(id);
            else held++;
          }
        }
        return held < c.max ? { ok: true, used: held, retryAfterMs: 0 } : { ok: false, used: held, retryAfterMs: CONCURRENCY_RETRY_MS };
      }
    }
  }

  private commit(c: LimitCheck, now: number, leaseId: string): void {
    switch (c.kind) {
      case 'window': {
        const w = this.window(c.key, Math.floor(now / c.windowMs));
        w.c += c.cost;
        w.exp = now + 2 * c.windowMs;
        return;
      }
      case 'bucket': {
        const s = this.states.get(c.key);
        const t = s && s.k === 'b' ? refill(s, c.capacity, c.refillPerSec, now) : c.capacity;
        const ts = s && s.k === 'b' ? Math.max(now, s.ts) : now;
        this.states.set(c.key, { k: 'b', t: t - 1, ts, exp: now + Math.ceil((c.capacity * 1000) / c.refillPerSec) + 1000 });
        return;
      }
      case 'lease': {
        let s = this.states.get(c.key);
        if (!s || s.k !== 'l') {
          s = { k: 'l', leases: new Map(), exp: 0 };
          this.states.set(c.key, s);
        }
        s.leases.set(leaseId, now + c.ttlMs);
        s.exp = Math.max(s.exp, now + c.ttlMs);
      }
    }
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, s] of this.states) if (s.exp <= now) this.states.delete(key);
  }
}

function refill(s: BucketState, capacity: number, perSec: number, now: number): number {
  return now > s.ts ? Math.min(capacity, s.t + ((now - s.ts) * perSec) / 1000) : Math.min(capacity, s.t);
}
