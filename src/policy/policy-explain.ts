import { ERROR_CODES, type ErrorCode } from '../errors/index.ts';
import { compilePolicies, type ScopeName } from './compile-policies.ts';
import { retryAfterSeconds, type CheckState, type LimitCheck } from './limiter-store.ts';
import type { Policies } from './policy.schema.ts';
import { planRequest, refusalMessage, type PolicyContext, type PolicyScope, type Refusal, type StaticOutcome } from './request-plan.ts';

/** One policy that applies to the request, and what it would say about the next one. */
export interface ExplainedPolicy {
  scope: ScopeName;
  id: string;
  /** Dotted field path, e.g. `ratelimit.requests.per_minute`; `ip` for the IP lists. */
  policy: string;
  code: ErrorCode;
  limit: number | null;
  /** Current usage (counters), the request's value (bytes, max_tokens, reservation) or the client IP. */
  current: number | string | null;
  would_refuse: boolean;
  retry_after?: number;
}

export interface Explanation {
  client_ip: string | null;
  /** Which store answered; `memory` with degraded=true means Redis is down and limits are per instance. */
  store: 'memory' | 'redis';
  degraded: boolean;
  scopes: { scope: ScopeName; id: string; policies: Policies }[];
  policies: ExplainedPolicy[];
  /** The refusal the next request would get (the same one check() would throw), or null. */
  would_refuse: null | { code: ErrorCode; status: number; message: string; scope: ScopeName; limit?: number; retry_after?: number };
  reserved_tokens: number;
}

type Peek = (checks: readonly LimitCheck[]) => Promise<{ store: 'memory' | 'redis'; states: CheckState[] }>;

export async function explainPlan(
  scopes: readonly PolicyScope[], ctx: PolicyContext, defaultOutputReserve: number, peek: Peek, degraded: () => boolean,
): Promise<Explanation> {
  const statics: StaticOutcome[] = [];
  const plan = planRequest(scopes, ctx, defaultOutputReserve, statics);
  const policies: ExplainedPolicy[] = statics.map((s) => ({
    scope: s.scope, id: s.id, policy: s.policy, code: s.code, limit: s.limit, current: s.value, would_refuse: s.refused,
    ...(s.refused && s.code === 'max_tokens_exceeded' ? { retry_after: 1 } : {}),
  }));
  let refusal: Refusal | undefined = plan.refusal;
  let store: 'memory' | 'redis' = 'memory';
  if (plan.checks.length > 0) {
    const r = await peek(plan.checks);
    store = r.store;
    r.states.forEach((st, i) => {
      const m = plan.meta[i];
      policies.push({
        scope: m.scope, id: m.id, policy: m.policy, code: m.code, limit: m.limit, current: st.used, would_refuse: !st.ok,
        ...(st.ok ? {} : { retry_after: retryAfterSeconds(st.retryAfterMs) }),
      });
      if (!st.ok && !refusal) refusal = { code: m.code, scope: m.scope, id: m.id, policy: m.policy, limit: m.limit, retryAfterMs: st.retryAfterMs };
    });
  }
  return {
    client_ip: ctx.clientIp ?? null,
    store,
    degraded: degraded(),
    scopes: scopes.map((s) => ({ scope: s.scope, id: s.id, policies: compilePolicies(s.policies).policies })),
    policies,
    would_refuse: refusal
      ? {
          code: refusal.code, status: ERROR_CODES[refusal.code], message: refusalMessage(refusal), scope: refusal.scope,
          ...(refusal.limit !== undefined ? { limit: refusal.limit } : {}),
          ...(refusal.retryAfterMs !== undefined ? { retry_after: retryAfterSeconds(refusal.retryAfterMs) } : {}),
        }
      : null,
    reserved_tokens: plan.tpm.length > 0 ? plan.reserve : 0,
  };
}
