import type { Redis } from 'ioredis';
import { MemoryLimiter } from './memory-limiter.ts';
import { PolicyEngine, type PolicyEngineOptions, type RedisFailureMode } from './policy-engine.ts';
import { RedisLimiter } from './redis-limiter.ts';
import type { LimiterStore } from './limiter-store.ts';

export { PolicyEngine } from './policy-engine.ts';
export type { PolicyEngineOptions, PolicyHandle, RedisFailureMode, TokenUsage } from './policy-engine.ts';
export type { PolicyContext, PolicyScope } from './request-plan.ts';
export type { ScopeName } from './compile-policies.ts';
export type { Explanation, ExplainedPolicy } from './policy-explain.ts';
export { PoliciesSchema, parsePolicies, checkPolicies, type Policies } from './policy.schema.ts';
export { createClientIpResolver, normalizeIp, type ClientIpResolver } from './ip-rules.ts';
export { estimateInputTokens, estimateTextTokens } from './token-estimate.ts';
export { MemoryLimiter } from './memory-limiter.ts';
export { RedisLimiter } from './redis-limiter.ts';
export { LimiterUnavailableError, type LimiterStore } from './limiter-store.ts';

export interface PolicyEngineDeps extends Omit<PolicyEngineOptions, 'store' | 'fallback' | 'redisFailure'> {
  /** The shared connection (REDIS_URL); absent in embedded mode. */
  redis?: Redis;
  /** REDIS_KEY_PREFIX; counters live under `<prefix>rl:`. */
  redisKeyPrefix?: string;
  /** RATE_LIMIT_REDIS_FAILURE. */
  redisFailure?: RedisFailureMode;
  /** A counter store built elsewhere (a cluster worker's proxy of the primary's MemoryLimiter). */
  store?: LimiterStore;
}

/** Counters in Redis when a connection is given, in process otherwise. */
export function createPolicyEngine(deps: PolicyEngineDeps): PolicyEngine {
  const { redis, redisKeyPrefix, redisFailure, store: given, ...rest } = deps;
  const store = given ?? (redis ? new RedisLimiter({ redis, prefix: redisKeyPrefix ?? 'odock:' }) : new MemoryLimiter());
  return new PolicyEngine({ ...rest, store, redisFailure });
}
