import type { ModelRoute } from '../access/org-routes.ts';
import { weightedOrder, type Rng } from './weighted-pick.ts';
import { cooldownKey, type FailoverOn, type RoutingRule, type RuleCandidate, type SkippedTarget, type TargetRoute } from './routing.types.ts';

/** Without a rule, a model's deployments fail over to each other on the transient failures only. */
export const DEFAULT_FAILOVER_ON: readonly FailoverOn[] = ['SERVER_ERROR', 'TIMEOUT', 'RATE_LIMIT'];

export interface RoutePlan {
  rule: RoutingRule | undefined;
  /** Targets in the order they would be tried (before cooldowns are applied). */
  targets: TargetRoute[];
  skipped: SkippedTarget[];
  failoverOn: readonly FailoverOn[];
  maxAttempts: number;
  retryDelayMs: number;
}

export interface PlanInput {
  /** The requested model's route (already resolved and granted). */
  route: ModelRoute;
  /** Every model of the organisation by id. */
  modelsById: ReadonlyMap<string, ModelRoute>;
  keyId: string;
  granted: ReadonlySet<string>;
  rng: Rng;
  /** Round-robin position of the rule (a counter the caller advances per call). */
  turn: number;
}

/** The key's own rule wins over the organisation-wide one. */
export function ruleFor(route: ModelRoute, keyId: string): RoutingRule | undefined {
  return route.routing?.keyRules?.get(keyId) ?? route.routing?.orgRule;
}

/** Candidate models in the order the rule's strategy gives; the requested model leads unless the rule lists it itself. */
export function orderCandidates(route: ModelRoute, rule: RoutingRule | undefined, rng: Rng, turn: number): RuleCandidate[] {
  if (!rule) return [{ modelId: route.modelId, priority: 0, weight: 1 }];
  const listed = rule.candidates.some((c) => c.modelId === route.modelId);
  const all = listed ? [...rule.candidates] : [{ modelId: route.modelId, priority: Number.NEGATIVE_INFINITY, weight: 1 }, ...rule.candidates];
  // Stable sort: equal priorities keep the order they were listed in.
  const byPriority = all.map((c, i) => ({ c, i })).sort((a, b) => a.c.priority - b.c.priority || a.i - b.i).map((x) => x.c);
  if (rule.strategy === 'ROUND_ROBIN') {
    const k = ((turn % byPriority.length) + byPriority.length) % byPriority.length;
    return [...byPriority.slice(k), ...byPriority.slice(0, k)];
  }
  if (rule.strategy === 'WEIGHTED') {
    const picked = weightedOrder(byPriority, (c) => c.weight, rng);
    // Weight 0 candidates are never first, but stay as the last resort of a failover.
    return [...picked, ...byPriority.filter((c) => !picked.includes(c))];
  }
  return byPriority;
}

function targetsOf(model: ModelRoute, rng: Rng): TargetRoute[] {
  const deployments = model.routing?.deployments;
  if (!deployments || deployments.length === 0) return [{ ...model, deploymentId: null, weight: 1 }];
  return weightedOrder(deployments, (d) => d.weight, rng);
}

function unusable(t: TargetRoute): SkippedTarget['reason'] | undefined {
  if (!t.provider.enabled) return 'provider_disabled';
  if (!t.providerKey) return 'provider_key_missing';
  if (t.providerKey.revoked) return 'provider_key_revoked';
  return undefined;
}

/**
 * Which targets a call for `route` would try, in order, and which are left out and why. A
 * candidate the key is not granted is never a target: a fallback never widens access. Pure:
 * cooldowns are applied afterwards (applyCooldowns), from the shared store.
 */
export function planRoute(input: PlanInput): RoutePlan {
  const { route, modelsById, keyId, granted, rng, turn } = input;
  const rule = ruleFor(route, keyId);
  const targets: TargetRoute[] = [];
  const skipped: SkippedTarget[] = [];
  const seen = new Set<string>();
  for (const c of orderCandidates(route, rule, rng, turn)) {
    if (seen.has(c.modelId)) continue;
    seen.add(c.modelId);
    const model = c.modelId === route.modelId ? route : modelsById.get(c.modelId);
    if (!model) {
      skipped.push({ modelId: c.modelId, modelName: null, deploymentId: null, reason: 'model_missing' });
      continue;
    }
    if (!granted.has(model.modelId)) {
      skipped.push({ modelId: model.modelId, modelName: model.name, deploymentId: null, reason: 'not_granted' });
      continue;
    }
    for (const d of model.routing?.deployments ?? []) {
      if (d.weight <= 0) skipped.push({ modelId: model.modelId, modelName: model.name, deploymentId: d.deploymentId, reason: 'zero_weight' });
    }
    for (const t of targetsOf(model, rng)) {
      const why = unusable(t);
      if (why) skipped.push({ modelId: t.modelId, modelName: t.name, deploymentId: t.deploymentId, reason: why });
      else targets.push(t);
    }
  }
  return {
    rule, targets, skipped,
    failoverOn: rule?.failoverOn ?? DEFAULT_FAILOVER_ON,
    maxAttempts: rule?.maxAttempts ?? Math.max(1, targets.length),
    retryDelayMs: rule?.retryDelayMs ?? 0,
  };
}

/** Moves the targets resting until after `now` from the plan to its skipped list. */
export function applyCooldowns(plan: RoutePlan, until: readonly (number | null)[], now: number): { ready: TargetRoute[]; skipped: SkippedTarget[] } {
  const ready: TargetRoute[] = [];
  const skipped = [...plan.skipped];
  plan.targets.forEach((t, i) => {
    const u = until[i];
    if (u != null && u > now) skipped.push({ modelId: t.modelId, modelName: t.name, deploymentId: t.deploymentId, reason: 'cooling_down', until: u });
    else ready.push(t);
  });
  return { ready, skipped };
}

export function cooldownKeys(targets: readonly TargetRoute[]): string[] {
  return targets.map(cooldownKey);
}
