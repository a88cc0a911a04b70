import { randomBytes } from 'node:crypto';
import { GatewayError } from '../errors/index.ts';
import { LimiterUnavailableError, type AcquireResult, type CheckState, type LimitCheck, type LimiterStore } from './limiter-store.ts';
import { MemoryLimiter } from './memory-limiter.ts';
import { planRequest, refusalError, type PolicyContext, type PolicyScope, type RequestPlan } from './request-plan.ts';
import { explainPlan, type Explanation } from './policy-explain.ts';

/** Token usage reported by the upstream; either the parts or the total. */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

/** What check() hands back; call exactly one of complete() or abort() when the call ends. */
export interface PolicyHandle {
  /** Tokens reserved against tokens-per-minute limits (0 when none apply). */
  readonly reservedTokens: number;
  /** Smallest payload.max_tokens of the stack, for the gateway to cap or fill in max_tokens. */
  readonly maxTokensCap: number | undefined;
  /** Reconciles the token reservation with real usage (refund or charge) and releases leases. Never rejects. */
  complete(usage?: TokenUsage): Promise<void>;
  /** Releases leases; reconciles tokens only when partial usage is known, else keeps the reservation. Never rejects. */
  abort(usage?: TokenUsage): Promise<void>;
}

export type RedisFailureMode = 'local' | 'closed';

export interface PolicyEngineOptions {
  /** The counter store: a RedisLimiter when REDIS_URL is set, else a MemoryLimiter. */
  store: LimiterStore;
  /** Per-instance limits used while `store` fails, in `local` mode (default: a MemoryLimiter). */
  fallback?: LimiterStore;
  /** RATE_LIMIT_REDIS_FAILURE: `local` (default) keeps serving on per-instance limits; `closed` answers 503. */
  redisFailure?: RedisFailureMode;
  /** Output tokens reserved when neither the request nor a policy gives max_tokens. Default 0. */
  defaultOutputReserve?: number;
  /** Keep leases of long calls alive by renewing them every TTL/2 (default true). */
  renewLeases?: boolean;
  /** Prefix of lease ids, to tell instances apart in Redis (default: random). */
  instanceId?: string;
  onRefusal?: (code: string, scope: string) => void;
  /** Called when the shared store goes down (true) and comes back (false). */
  onDegradedChange?: (degraded: boolean, error?: Error) => void;
  /** Every store failure, including failed releases (for a counter metric and logs). */
  onStoreError?: (error: Error) => void;
}

const NOOP = Promise.resolve();

/**
 * The policy engine: stacked scopes in, a pass (with a handle) or a GatewayError out.
 * Order of checks: IP, payload size, max_tokens, then every rate/token/concurrency counter of
 * every scope in one store operation that commits all or nothing.
 */
export class PolicyEngine {
  private readonly store: LimiterStore;
  private readonly fallback?: LimiterStore;
  private readonly mode: RedisFailureMode;
  private readonly reserveDefault: number;
  private readonly renew: boolean;
  private readonly leasePrefix: string;
  private leaseSeq = 0;
  private isDegraded = false;
  /** Handles holding leases, released on shutdown. */
  readonly active = new Set<Handle>();

  constructor(readonly opts: PolicyEngineOptions) {
    this.store = opts.store;
    this.mode = opts.redisFailure ?? 'local';
    this.fallback = this.mode === 'local' && opts.store.kind !== 'memory' ? (opts.fallback ?? new MemoryLimiter()) : undefined;
    this.reserveDefault = opts.defaultOutputReserve ?? 0;
    this.renew = opts.renewLeases ?? true;
    this.leasePrefix = `${opts.instanceId ?? randomBytes(6).toString('hex')}:`;
  }

  /** True while the shared store is failing and limits are per instance (or refused, in closed mode). */
  get degraded(): boolean {
    return this.isDegraded;
  }

  async check(scopes: readonly PolicyScope[], ctx: PolicyContext): Promise<PolicyHandle> {
    const plan = planRequest(scopes, ctx, this.reserveDefault);
    if (plan.refusal) throw this.refused(plan.refusal);
    if (plan.checks.length === 0) return new Handle(this, plan, this.store, '', 0);
    const leaseId = this.leasePrefix + (++this.leaseSeq).toString(36);
    const { store, result } = await this.run((s) => s.acquire(plan.checks, leaseId));
    if (!result.ok) {
      const m = plan.meta[result.index];
      throw this.refused({ code: m.code, scope: m.scope, id: m.id, policy: m.policy, limit: m.limit, retryAfterMs: result.retryAfterMs });
    }
    const h = new Handle(this, plan, store, leaseId, result.at);
    if (plan.leases.length > 0) {
      this.active.add(h);
      if (this.renew) h.startRenewal();
    }
    return h;
  }

  /** Dry run for the explain endpoint: consumes nothing. */
  async explain(scopes: readonly PolicyScope[], ctx: PolicyContext): Promise<Explanation> {
    return explainPlan(scopes, ctx, this.reserveDefault, async (checks: readonly LimitCheck[]) => {
      const { store, result } = await this.run((s) => s.peek(checks));
      return { store: store.kind, states: result as CheckState[] };
    }, () => this.isDegraded);
  }

  /** Releases the leases of every call still in flight (graceful shutdown, after draining). */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.active].map((h) => h.abort()));
  }

  private refused(r: Parameters<typeof refusalError>[0]): GatewayError {
    this.opts.onRefusal?.(r.code, r.scope);
    return refusalError(r);
  }

  /** Runs on the shared store, applying RATE_LIMIT_REDIS_FAILURE when it cannot answer. */
  private async run<T>(op: (s: LimiterStore) => Promise<T>): Promise<{ store: LimiterStore; result: T }> {
    try {
      const result = await op(this.store);
      if (this.isDegraded) this.setDegraded(false);
      return { store: this.store, result };
    } catch (e) {
      if (!(e instanceof LimiterUnavailableError)) throw e;
      this.opts.onStoreError?.(e);
      if (!this.isDegraded) this.setDegraded(true, e);
      if (!this.fallback) {
        throw new GatewayError('store_unavailable', 'The rate-limit store is unavailable', {}, { 'Retry-After': '1' });
      }
      return { store: this.fallback, result: await op(this.fallback) };
    }
  }

  private setDegraded(d: boolean, e?: Error): void {
    this.isDegraded = d;
    this.opts.onDegradedChange?.(d, e);
  }

  /** @internal */
  reportError(e: unknown): void {
    this.opts.onStoreError?.(e instanceof Error ? e : new Error(String(e)));
  }
}

class Handle implements PolicyHandle {
  private done = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly engine: PolicyEngine,
    private readonly plan: RequestPlan,
    private readonly store: LimiterStore,
    private readonly leaseId: string,
    private readonly at: number,
  ) {}

  get reservedTokens(): number {
    return this.plan.tpm.length > 0 ? this.plan.reserve : 0;
  }

  get maxTokensCap(): number | undefined {
    return this.plan.maxTokensCap;
  }

  startRenewal(): void {
    let min = Infinity;
    for (const l of this.plan.leases) min = Math.min(min, l.ttlMs);
    this.timer = setInterval(() => {
      for (const l of this.plan.leases) this.store.renew([l.key], this.leaseId, l.ttlMs).catch((e) => this.engine.reportError(e));
    }, Math.max(500, min / 2));
    this.timer.unref();
  }

  complete(usage?: TokenUsage): Promise<void> {
    return this.finish(usage);
  }

  abort(usage?: TokenUsage): Promise<void> {
    return this.finish(usage);
  }

  private finish(usage: TokenUsage | undefined): Promise<void> {
    if (this.done) return NOOP;
    this.done = true;
    if (this.timer) clearInterval(this.timer);
    this.engine.active.delete(this);
    const plan = this.plan;
    const actual = usage ? actualTokens(usage) : undefined;
    const delta = actual === undefined ? 0 : actual - plan.reserve;
    if (plan.leases.length === 0 && (plan.tpm.length === 0 || delta === 0)) return NOOP;
    const adjustments = delta === 0 ? [] : plan.tpm.map((i) => {
      const c = plan.checks[i] as Extract<LimitCheck, { kind: 'window' }>;
      return { key: c.key, windowMs: c.windowMs, at: this.at, delta };
    });
    const leaseKeys = plan.leases.map((l) => l.key);
    // A failed release is not the client's problem: the lease expires by its TTL.
    return this.store.finish({ adjustments, leaseKeys, leaseId: this.leaseId }).catch((e) => this.engine.reportError(e));
  }
}

function actualTokens(u: TokenUsage): number | undefined {
  if (u.totalTokens !== undefined) return u.totalTokens;
  if (u.inputTokens === undefined && u.outputTokens === undefined) return undefined;
  return (u.inputTokens ?? 0) + (u.outputTokens ?? 0);
}
