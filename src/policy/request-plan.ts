import { GatewayError, type ErrorCode } from '../errors/index.ts';
import { compilePolicies, scopeChecks, type CheckMeta, type ScopeName } from './compile-policies.ts';
import { ipAllowed } from './ip-rules.ts';
import { retryAfterSeconds, type LimitCheck } from './limiter-store.ts';

/** One level of the stack a request must pass: its organisation, team, key and model. */
export interface PolicyScope {
  scope: ScopeName;
  id: string;
  /** The stored policies object (validated on write; re-checked once per object here). */
  policies: unknown;
}

export interface PolicyContext {
  /** Resolved with createClientIpResolver(); undefined fails an allowlist. */
  clientIp?: string;
  /** Size of the request body in bytes. */
  requestBytes?: number;
  /** The output budget the client asked for, if any: the largest of max_tokens and its other spellings. */
  maxTokens?: number;
  /** The output budget the upstream call carries when neither the client nor a policy names one
   *  (a translation's default, e.g. Anthropic's max_tokens), reserved in their place. */
  defaultOutputTokens?: number;
  /** Estimated input tokens (estimateInputTokens()). */
  inputTokens?: number;
  /** Answers the call generates (OpenAI `n`, Gemini `candidateCount`); each may use the output budget. */
  answers?: number;
}

export interface Refusal {
  code: ErrorCode;
  scope: ScopeName;
  id: string;
  policy: string;
  limit?: number;
  retryAfterMs?: number;
}

/** A policy checked without the counter store, as explain reports it. */
export interface StaticOutcome {
  scope: ScopeName;
  id: string;
  policy: string;
  code: ErrorCode;
  limit: number | null;
  value: number | string | null;
  refused: boolean;
}

export interface RequestPlan {
  checks: LimitCheck[];
  meta: CheckMeta[];
  /** Indices of the tokens-per-minute checks (reconciled after the call). */
  tpm: number[];
  leases: { key: string; ttlMs: number }[];
  /** Tokens reserved against every tokens-per-minute limit. */
  reserve: number;
  /** Smallest payload.max_tokens of the stack: the gateway may cap or fill in max_tokens with it. */
  maxTokensCap?: number;
  refusal?: Refusal;
}

const LABEL: Record<ScopeName, string> = { organisation: 'organisation', team: 'team', key: 'API key', model: 'model' };

/**
 * Runs the checks that need no counter store, in the order the engine reports them (IP, payload,
 * max_tokens), and gathers the store checks of every scope. Without `collect` it stops at the
 * first refusal; explain passes `collect` to see every outcome.
 */
export function planRequest(scopes: readonly PolicyScope[], ctx: PolicyContext, defaultOutputReserve: number, collect?: StaticOutcome[]): RequestPlan {
  const plan: RequestPlan = { checks: [], meta: [], tpm: [], leases: [], reserve: 0 };
  const compiled = scopes.map((s) => {
    const c = compilePolicies(s.policies);
    // Fail closed: an allowlist that cannot be read must not let everyone in.
    if (c.invalid) throw new GatewayError('internal_error', `The stored policies of this ${LABEL[s.scope]} are invalid; fix them through the admin API`);
    return c;
  });
  const refuse = (r: Refusal, outcome: Omit<StaticOutcome, 'refused'>, refused: boolean): boolean => {
    if (collect) collect.push({ ...outcome, refused });
    if (refused && !plan.refusal) plan.refusal = r;
    return refused && !collect;
  };

  for (let i = 0; i < scopes.length; i++) {
    const ip = compiled[i].ip;
    if (!ip) continue;
    const { scope, id } = scopes[i];
    const bad = !ipAllowed(ip, ctx.clientIp);
    if (refuse({ code: 'ip_not_allowed', scope, id, policy: 'ip' }, { scope, id, policy: 'ip', code: 'ip_not_allowed', limit: null, value: ctx.clientIp ?? null }, bad)) return plan;
  }
  for (let i = 0; i < scopes.length; i++) {
    const max = compiled[i].maxRequestBytes;
    if (max === undefined) continue;
    const { scope, id } = scopes[i];
    const policy = 'ratelimit.payload.max_request_bytes';
    if (ctx.requestBytes === undefined) {
      collect?.push({ scope, id, policy, code: 'payload_too_large', limit: max, value: null, refused: false });
      continue;
    }
    if (refuse({ code: 'payload_too_large', scope, id, policy, limit: max }, { scope, id, policy, code: 'payload_too_large', limit: max, value: ctx.requestBytes }, ctx.requestBytes > max)) return plan;
  }
  for (let i = 0; i < scopes.length; i++) {
    const max = compiled[i].maxTokens;
    if (max === undefined) continue;
    if (plan.maxTokensCap === undefined || max < plan.maxTokensCap) plan.maxTokensCap = max;
    const { scope, id } = scopes[i];
    const policy = 'ratelimit.payload.max_tokens';
    if (ctx.maxTokens === undefined) {
      collect?.push({ scope, id, policy, code: 'max_tokens_exceeded', limit: max, value: null, refused: false });
      continue;
    }
    if (refuse({ code: 'max_tokens_exceeded', scope, id, policy, limit: max, retryAfterMs: 1000 }, { scope, id, policy, code: 'max_tokens_exceeded', limit: max, value: ctx.maxTokens }, ctx.maxTokens > max)) return plan;
  }

  // The output budget reserved is the one sent upstream: the client's (at most the cap, or refused above),
  // else the cap the gateway fills in, else the translation's default.
  plan.reserve = Math.max(0, Math.ceil((ctx.inputTokens ?? 0) + (ctx.answers ?? 1) * (ctx.maxTokens ?? plan.maxTokensCap ?? ctx.defaultOutputTokens ?? defaultOutputReserve)));
  for (let i = 0; i < scopes.length; i++) {
    if (!compiled[i].hasRateChecks) continue;
    const { scope, id } = scopes[i];
    const sc = scopeChecks(compiled[i], scope, id);
    for (let j = 0; j < sc.checks.length; j++) {
      let check = sc.checks[j];
      const meta = sc.meta[j];
      if (j === sc.tpm) {
        // A reservation above the limit can never fit, however long the client waits.
        if (plan.reserve > meta.limit && refuse({ code: 'tpm_exceeded', scope, id, policy: meta.policy, limit: meta.limit, retryAfterMs: 1000 }, { scope, id, policy: meta.policy, code: 'tpm_exceeded', limit: meta.limit, value: plan.reserve }, true)) return plan;
        check = { ...(check as Extract<LimitCheck, { kind: 'window' }>), cost: plan.reserve };
        plan.tpm.push(plan.checks.length);
      } else if (check.kind === 'lease') {
        plan.leases.push({ key: check.key, ttlMs: check.ttlMs });
      }
      plan.checks.push(check);
      plan.meta.push(meta);
    }
  }
  return plan;
}

function message(r: Refusal): string {
  const who = `this ${LABEL[r.scope]}`;
  switch (r.code) {
    case 'ip_not_allowed': return `The client IP address is not allowed by the ${LABEL[r.scope]} policy`;
    case 'payload_too_large': return `The request body exceeds the ${r.limit}-byte limit of ${who}`;
    case 'max_tokens_exceeded': return `max_tokens exceeds the limit of ${r.limit} set for ${who}`;
    case 'rps_exceeded': return `Rate limit of ${r.limit} requests per second exceeded for ${who}`;
    case 'rpm_exceeded': return `Rate limit of ${r.limit} requests per minute exceeded for ${who}`;
    case 'burst_exceeded': return `Burst limit of ${r.limit} requests exceeded for ${who}`;
    case 'tpm_exceeded': return `Token limit of ${r.limit} tokens per minute exceeded for ${who}`;
    case 'concurrency_exceeded': return `Concurrency limit of ${r.limit} requests in flight reached for ${who}`;
    default: return `Refused by the policy of ${who}`;
  }
}

/** The error the gateway throws; 429s carry `retry_after` and a `Retry-After` header. */
export function refusalError(r: Refusal): GatewayError {
  const extra: Record<string, unknown> = { scope: r.scope };
  if (r.limit !== undefined) extra.limit = r.limit;
  if (r.retryAfterMs === undefined) return new GatewayError(r.code, message(r), extra);
  const secs = retryAfterSeconds(r.retryAfterMs);
  extra.retry_after = secs;
  return new GatewayError(r.code, message(r), extra, { 'Retry-After': String(secs) });
}

export function refusalMessage(r: Refusal): string {
  return message(r);
}
