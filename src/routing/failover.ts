import type { GatewayError } from '../errors/index.ts';
import type { FailoverOn } from './routing.types.ts';

/** What kind of failure an attempt ended in, for failoverOn and for cooldowns. */
export type FailureKind = 'SERVER_ERROR' | 'TIMEOUT' | 'RATE_LIMIT' | 'OTHER';

/**
 * `upstreamStatus` is the upstream's HTTP status when it answered, undefined when the call failed
 * in transport (refused, reset, no headers before the timeout).
 */
export function classifyFailure(e: GatewayError, upstreamStatus: number | undefined): FailureKind {
  if (e.code === 'upstream_timeout' || upstreamStatus === 408 || upstreamStatus === 504) return 'TIMEOUT';
  if (upstreamStatus === 429 || e.code === 'upstream_rate_limited') return 'RATE_LIMIT';
  if (upstreamStatus === undefined ? e.code === 'upstream_error' : upstreamStatus >= 500) return 'SERVER_ERROR';
  return 'OTHER';
}

export function shouldFailOver(kind: FailureKind, on: readonly FailoverOn[]): boolean {
  return on.includes('ANY') || (kind !== 'OTHER' && on.includes(kind));
}

/** 429, 5xx and timeouts rest the deployment; a 4xx about the request itself says nothing about its health. */
export function coolsDown(kind: FailureKind): boolean {
  return kind !== 'OTHER';
}

/**
 * How long a failing deployment rests: the upstream's Retry-After (seconds or an HTTP date) when
 * it sent one, else the configured default. Capped at an hour so a bogus header cannot bench a
 * deployment for days.
 */
export function cooldownMs(retryAfter: string | undefined, defaultMs: number, now: number): number {
  if (retryAfter !== undefined) {
    const s = Number(retryAfter);
    if (Number.isFinite(s) && s >= 0) return Math.min(s * 1000, 3_600_000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.min(Math.max(0, at - now), 3_600_000);
  }
  return defaultMs;
}

/** Exponential backoff before retry n (1 = the first retry): retryDelayMs, 2×, 4×… capped at 30 s. */
export function backoffMs(retryDelayMs: number, n: number): number {
  if (retryDelayMs <= 0) return 0;
  return Math.min(retryDelayMs * 2 ** Math.max(0, n - 1), 30_000);
}
