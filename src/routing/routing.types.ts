import type { ModelRoute } from '../access/org-routes.ts';

export const STRATEGIES = ['FAILOVER', 'ROUND_ROBIN', 'WEIGHTED'] as const;
export type Strategy = (typeof STRATEGIES)[number];
export const FAILOVER_ON = ['SERVER_ERROR', 'TIMEOUT', 'RATE_LIMIT', 'ANY'] as const;
export type FailoverOn = (typeof FAILOVER_ON)[number];

export interface RuleCandidate { modelId: string; priority: number; weight: number }

/** A routing rule as the gateway uses it (parsed once when the routing table is loaded). */
export interface RoutingRule {
  id: string;
  modelId: string;
  apiKeyId: string | null;
  strategy: Strategy;
  candidates: RuleCandidate[];
  failoverOn: FailoverOn[];
  maxAttempts: number;
  retryDelayMs: number;
}

/**
 * One place a call can go: a model's route with the provider, key and slug of one deployment.
 * `deploymentId` is null for a model's implicit primary deployment (its own provider, key, slug).
 */
export interface TargetRoute extends ModelRoute {
  deploymentId: string | null;
  weight: number;
}

/** What a model adds to its route when it has deployments or rules; absent otherwise (the fast path). */
export interface ModelRouting {
  deployments: TargetRoute[];
  orgRule?: RoutingRule;
  keyRules?: Map<string, RoutingRule>;
}

/** One upstream try, as the usage record lists it. */
export interface AttemptRecord {
  modelId: string;
  deploymentId: string | null;
  status: number;
  errorCode: string | null;
  latencyMs: number;
}

export type SkipReason = 'not_granted' | 'model_missing' | 'provider_disabled' | 'provider_key_missing' | 'provider_key_revoked' | 'zero_weight' | 'cooling_down';

export interface SkippedTarget {
  modelId: string;
  modelName: string | null;
  deploymentId: string | null;
  reason: SkipReason;
  /** For cooling_down: when the rest ends (epoch ms). */
  until?: number;
}

/** The shared-state key of a target's cooldown and health counters (never a secret). */
export function cooldownKey(t: Pick<TargetRoute, 'deploymentId' | 'modelId'>): string {
  return t.deploymentId ?? `model:${t.modelId}`;
}
