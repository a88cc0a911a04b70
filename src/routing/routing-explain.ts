import type { ModelRoute } from '../access/org-routes.ts';
import { applyCooldowns, planRoute, type RoutePlan } from './candidate-plan.ts';
import type { SkipReason } from './routing.types.ts';

const WHY: Record<SkipReason, string> = {
  not_granted: 'the key is not granted this model, so it is never used',
  model_missing: 'the candidate model no longer exists',
  provider_disabled: 'its provider is disabled',
  provider_key_missing: 'it has no provider key',
  provider_key_revoked: 'its provider key is revoked',
  zero_weight: 'its weight is 0',
  cooling_down: 'it is cooling down after upstream failures',
};

const ORDER_NOTE = {
  FAILOVER: 'Candidates are tried by priority (lowest first).',
  ROUND_ROBIN: 'Each call starts one candidate further along the priority order; this is the order of the next call on this instance.',
  WEIGHTED: 'Each call draws the candidate order by weight; this is the order by weight, highest first.',
} as const;

/**
 * The dry run of routing: the plan a call would follow now, with the first-choice order made
 * deterministic (weights highest first, round robin at turn 0), and why anything is left out.
 */
export function explainPlan(route: ModelRoute, modelsById: ReadonlyMap<string, ModelRoute>, keyId: string, granted: ReadonlySet<string>, cooling: (keys: string[]) => Promise<(number | null)[]>, now: number) {
  // rng() = 0 always picks the first remaining item: sorting by weight first makes that "heaviest first".
  const byWeight = (m: ModelRoute): ModelRoute => (m.routing ? { ...m, routing: { ...m.routing, deployments: [...m.routing.deployments].sort((a, b) => b.weight - a.weight) } } : m);
  const sortedRoute = byWeight(route);
  const rule = sortedRoute.routing?.keyRules?.get(keyId) ?? sortedRoute.routing?.orgRule;
  if (rule?.strategy === 'WEIGHTED') {
    const ordered = { ...rule, candidates: [...rule.candidates].sort((a, b) => b.weight - a.weight) };
    sortedRoute.routing = { ...sortedRoute.routing!, ...(rule.apiKeyId ? { keyRules: new Map([[keyId, ordered]]) } : { orgRule: ordered }) };
  }
  const models = new Map([...modelsById].map(([id, m]) => [id, byWeight(m)]));
  const plan: RoutePlan = planRoute({ route: sortedRoute, modelsById: models, keyId, granted, rng: () => 0, turn: 0 });
  return cooling(plan.targets.map((t) => t.deploymentId ?? `model:${t.modelId}`)).then((until) => {
    const { ready, skipped } = applyCooldowns(plan, until, now);
    return {
      model: { id: route.modelId, name: route.name },
      rule: plan.rule ? {
        id: plan.rule.id, scope: plan.rule.apiKeyId ? 'key' : 'organisation', strategy: plan.rule.strategy,
        failoverOn: plan.rule.failoverOn, maxAttempts: plan.rule.maxAttempts, retryDelayMs: plan.rule.retryDelayMs,
      } : null,
      note: plan.rule ? ORDER_NOTE[plan.rule.strategy] : (route.routing?.deployments.length ? 'No routing rule: the model\'s deployments are tried by weight, heaviest first here.' : 'No routing rule and no deployments: the model is called as configured.'),
      maxAttempts: Math.min(plan.maxAttempts, ready.length),
      failoverOn: plan.failoverOn,
      order: ready.map((t, i) => ({
        position: i + 1, modelId: t.modelId, modelName: t.name, deploymentId: t.deploymentId, providerId: t.provider.id,
        providerType: t.provider.type, slug: t.slug, weight: t.weight, willTry: i < plan.maxAttempts,
      })),
      skipped: skipped.map((s) => ({
        modelId: s.modelId, modelName: s.modelName, deploymentId: s.deploymentId, reason: s.reason,
        explanation: s.until ? `${WHY[s.reason]} until ${new Date(s.until).toISOString()}` : WHY[s.reason],
        ...(s.until ? { until: new Date(s.until).toISOString() } : {}),
      })),
    };
  });
}
