/**
 * The counter store behind the policy engine: in-process (embedded mode, and the fallback while
 * Redis is down) or Redis (shared by every instance). Both implement exactly these semantics,
 * and one behavioural test suite (limiter-store.suite.ts) runs against both.
 *
 * Algorithms, per check:
 * - `window`: sliding-window counter (two fixed windows, the previous one weighted by how much
 *   of it still overlaps the sliding window). No 2× burst at a window edge, O(1) memory;
 *   exact while the previous window is empty. Used for requests per second/minute and for
 *   tokens per minute, where `cost` is the reservation.
 * - `bucket`: token bucket of `capacity`, refilled continuously at `refillPerSec`.
 * - `lease`: a set of lease ids with expiry times; expired leases are dropped before counting, so
 *   the leases of a crashed instance free themselves after their TTL.
 */
export type LimitCheck = WindowCheck | BucketCheck | LeaseCheck;

export interface WindowCheck {
  kind: 'window';
  key: string;
  limit: number;
  windowMs: number;
  cost: number;
}
export interface BucketCheck {
  kind: 'bucket';
  key: string;
  capacity: number;
  refillPerSec: number;
}
export interface LeaseCheck {
  kind: 'lease';
  key: string;
  max: number;
  ttlMs: number;
}

/** `at` is the store's clock when the checks were committed (reservations reconcile against it). */
export type AcquireResult = { ok: true; at: number } | { ok: false; index: number; retryAfterMs: number };

/** What one check would say now, without consuming anything (for explain). */
export interface CheckState {
  ok: boolean;
  /** Current usage: window estimate, bucket tokens spent, or leases held (floored). */
  used: number;
  retryAfterMs: number;
}

/** Reconciles a token reservation: `delta` = actual − reserved (negative refunds). */
export interface Adjustment {
  key: string;
  windowMs: number;
  at: number;
  delta: number;
}

export interface FinishOp {
  adjustments: readonly Adjustment[];
  leaseKeys: readonly string[];
  leaseId: string;
}

export interface LimiterStore {
  readonly kind: 'memory' | 'redis';
  /** Evaluates every check; commits all of them, or none and names the first refusing one. */
  acquire(checks: readonly LimitCheck[], leaseId: string): Promise<AcquireResult>;
  /** Like acquire without committing; one state per check. */
  peek(checks: readonly LimitCheck[]): Promise<CheckState[]>;
  /** Token reconciliation and lease release of one request, in one operation. */
  finish(op: FinishOp): Promise<void>;
  /** Pushes the expiry of still-held leases (long streams outlive the TTL). */
  renew(leaseKeys: readonly string[], leaseId: string, ttlMs: number): Promise<void>;
}

/** Thrown by a store that cannot answer (Redis down, timed out); the engine then applies RATE_LIMIT_REDIS_FAILURE. */
export class LimiterUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LimiterUnavailableError';
  }
}

/**
 * Sliding-window decision. `cur`/`prev` are the current and previous fixed windows' counts,
 * `elapsed` the time into the current window. The Lua script in redis-limiter.lua.ts mirrors
 * this function line for line; change both together.
 */
export function evalWindow(cur: number, prev: number, elapsed: number, windowMs: number, limit: number, cost: number): CheckState {
  const used = (prev * (windowMs - elapsed)) / windowMs + cur;
  if (used + cost <= limit) return { ok: true, used: Math.floor(used), retryAfterMs: 0 };
  let retry: number;
  const room = limit - cost - cur;
  if (room >= 0 && prev > 0) {
    // The previous window's weight decays until the cost fits.
    retry = windowMs * (1 - room / prev) - elapsed;
  } else if (limit - cost >= 0 && cur > 0) {
    // Only after this window ends, as its count in turn decays.
    retry = windowMs - elapsed + windowMs * (1 - (limit - cost) / cur);
  } else {
    retry = windowMs; // the cost alone exceeds the limit; the engine refuses such requests up front
  }
  return { ok: false, used: Math.floor(used), retryAfterMs: Math.ceil(retry) };
}

/** Seconds for Retry-After / retry_after: whole seconds, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
