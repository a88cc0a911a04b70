import type { ErrorCode } from '../errors/index.ts';
import { compileIpRules, type IpRules } from './ip-rules.ts';
import type { LimitCheck } from './limiter-store.ts';
import { checkPolicies, type Policies } from './policy.schema.ts';

export type ScopeName = 'organisation' | 'team' | 'key' | 'model';

/** What one stored check means, for refusals and explain. */
export interface CheckMeta {
  scope: ScopeName;
  id: string;
  code: ErrorCode;
  /** Dotted path of the policy field, e.g. `ratelimit.requests.per_minute`. */
  policy: string;
  limit: number;
}

/** One scope's rate checks with their keys, built once per (policies object, scope, id). */
export interface ScopeChecks {
  checks: readonly LimitCheck[];
  meta: readonly CheckMeta[];
  /** Index of the tokens-per-minute check (its cost is set per request), or -1. */
  tpm: number;
  leaseTtlMs: number;
}

export interface CompiledPolicies {
  /** Set when stored policies fail the schema: the engine refuses rather than guess. */
  invalid?: string;
  policies: Policies;
  ip?: IpRules;
  maxRequestBytes?: number;
  maxTokens?: number;
  hasRateChecks: boolean;
  byScope?: Map<string, ScopeChecks>;
}

export const DEFAULT_LEASE_TTL_SECONDS = 120;

const EMPTY: CompiledPolicies = Object.freeze({ policies: {}, hasRateChecks: false }) as CompiledPolicies;
const cache = new WeakMap<object, CompiledPolicies>();

/**
 * Compiled form of a `policies` object, cached by object identity: the auth cache hands out the
 * same object for every request of a key, so the hot path pays for parsing and CIDR lists once.
 * A policies change arrives as a new object (after invalidation), and the old one is collected.
 */
export function compilePolicies(raw: unknown): CompiledPolicies {
  if (raw === null || raw === undefined) return EMPTY;
  if (typeof raw !== 'object') return { invalid: 'policies must be an object', policies: {}, hasRateChecks: false };
  const hit = cache.get(raw);
  if (hit) return hit;
  const compiled = build(raw);
  cache.set(raw, compiled);
  return compiled;
}

function build(raw: object): CompiledPolicies {
  const r = checkPolicies(raw);
  if (!r.ok) return { invalid: r.issue.message, policies: {}, hasRateChecks: false };
  const p = r.value;
  const rl = p.ratelimit;
  let ip: IpRules | undefined;
  try {
    ip = compileIpRules(p.ip);
  } catch (e) {
    return { invalid: (e as Error).message, policies: {}, hasRateChecks: false };
  }
  return {
    policies: p,
    ip,
    maxRequestBytes: rl?.payload?.max_request_bytes,
    maxTokens: rl?.payload?.max_tokens,
    hasRateChecks: Boolean(
      rl?.requests?.per_second || rl?.requests?.per_minute || rl?.requests?.burst || rl?.tokens?.per_minute || rl?.concurrency?.max,
    ),
  };
}

/** The rate checks of one scope, keys included; cached on the compiled policies. */
export function scopeChecks(c: CompiledPolicies, scope: ScopeName, id: string): ScopeChecks {
  const cacheKey = `${scope}\u0000${id}`;
  let byScope = c.byScope;
  const hit = byScope?.get(cacheKey);
  if (hit) return hit;
  const built = buildScopeChecks(c.policies, scope, id);
  if (!byScope) {
    byScope = new Map();
    c.byScope = byScope;
  }
  byScope.set(cacheKey, built);
  return built;
}

/**
 * Burst follows the nginx `limit_req rate burst` model: a token bucket of `burst` requests,
 * refilled at `per_second` (or `per_minute`/60, or `burst` per second when neither is set).
 * When burst is set, per_second is enforced by that bucket instead of a separate 1 s window,
 * since a window would refuse every burst above per_second and make `burst` meaningless.
 */
function buildScopeChecks(p: Policies, scope: ScopeName, id: string): ScopeChecks {
  const checks: LimitCheck[] = [];
  const meta: CheckMeta[] = [];
  const base = `rl:${scope}:${id}:`;
  const add = (check: LimitCheck, code: ErrorCode, policy: string, limit: number) => {
    checks.push(check);
    meta.push({ scope, id, code, policy, limit });
  };
  const req = p.ratelimit?.requests;
  if (req?.burst) {
    const refill = req.per_second ?? (req.per_minute ? req.per_minute / 60 : req.burst);
    add({ kind: 'bucket', key: `${base}burst`, capacity: req.burst, refillPerSec: refill }, 'burst_exceeded', 'ratelimit.requests.burst', req.burst);
  } else if (req?.per_second) {
    add({ kind: 'window', key: `${base}rps`, limit: req.per_second, windowMs: 1000, cost: 1 }, 'rps_exceeded', 'ratelimit.requests.per_second', req.per_second);
  }
  if (req?.per_minute) {
    add({ kind: 'window', key: `${base}rpm`, limit: req.per_minute, windowMs: 60_000, cost: 1 }, 'rpm_exceeded', 'ratelimit.requests.per_minute', req.per_minute);
  }
  let tpm = -1;
  const tokens = p.ratelimit?.tokens?.per_minute;
  if (tokens) {
    tpm = checks.length;
    add({ kind: 'window', key: `${base}tpm`, limit: tokens, windowMs: 60_000, cost: 0 }, 'tpm_exceeded', 'ratelimit.tokens.per_minute', tokens);
  }
  const conc = p.ratelimit?.concurrency;
  const leaseTtlMs = (conc?.lease_ttl_seconds ?? DEFAULT_LEASE_TTL_SECONDS) * 1000;
  if (conc?.max) {
    add({ kind: 'lease', key: `${base}conc`, max: conc.max, ttlMs: leaseTtlMs }, 'concurrency_exceeded', 'ratelimit.concurrency.max', conc.max);
  }
  return { checks, meta, tpm, leaseTtlMs };
}
