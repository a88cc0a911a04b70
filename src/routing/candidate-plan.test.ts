import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelRoute } from '../access/org-routes.ts';
import { applyCooldowns, planRoute } from './candidate-plan.ts';
import { seededRng } from './weighted-pick.ts';
import type { RoutingRule, TargetRoute } from './routing.types.ts';

function model(id: string, extra: Partial<ModelRoute> = {}): ModelRoute {
  return {
    modelId: id, name: `name-${id}`, slug: `slug-${id}`, type: 'chat', pricing: {}, policies: {},
    provider: { id: `p-${id}`, type: 'OPENAI', baseUrl: 'http://x', timeoutMs: 1000, enabled: true, config: {} },
    providerKey: { id: `k-${id}`, revoked: false }, secret: () => 'sk', ...extra,
  };
}
function deployment(m: ModelRoute, id: string, weight: number, extra: Partial<TargetRoute> = {}): TargetRoute {
  return { ...m, deploymentId: id, weight, slug: `slug-${id}`, ...extra };
}
function rule(modelId: string, r: Partial<RoutingRule>): RoutingRule {
  return { id: `r-${modelId}`, modelId, apiKeyId: null, strategy: 'FAILOVER', candidates: [], failoverOn: ['SERVER_ERROR'], maxAttempts: 3, retryDelayMs: 0, ...r };
}
const ids = (ts: TargetRoute[]) => ts.map((t) => t.deploymentId ?? t.modelId);

describe('planRoute', () => {
  const a = model('a');
  const b = model('b');
  const c = model('c');
  const byId = new Map([a, b, c].map((m) => [m.modelId, m]));
  const all = new Set(['a', 'b', 'c']);
  const base = { modelsById: byId, keyId: 'key1', granted: all, rng: seededRng(1), turn: 0 };

  it('without rule or deployments: the model itself, as configured', () => {
    const p = planRoute({ ...base, route: a });
    assert.deepEqual(ids(p.targets), ['a']);
    assert.equal(p.targets[0].deploymentId, null);
    assert.equal(p.maxAttempts, 1);
  });

  it('FAILOVER: requested model first, then candidates by priority', () => {
    const route = { ...a, routing: { deployments: [], orgRule: rule('a', { candidates: [{ modelId: 'c', priority: 2, weight: 1 }, { modelId: 'b', priority: 1, weight: 1 }] }) } };
    assert.deepEqual(ids(planRoute({ ...base, route }).targets), ['a', 'b', 'c']);
  });

  it('a candidate the key is not granted is never a target, and is reported', () => {
    const route = { ...a, routing: { deployments: [], orgRule: rule('a', { candidates: [{ modelId: 'b', priority: 1, weight: 1 }, { modelId: 'c', priority: 2, weight: 1 }] }) } };
    const p = planRoute({ ...base, route, granted: new Set(['a', 'c']) });
    assert.deepEqual(ids(p.targets), ['a', 'c']);
    assert.deepEqual(p.skipped.map((s) => [s.modelId, s.reason]), [['b', 'not_granted']]);
  });

  it("the key's own rule wins over the organisation's", () => {
    const keyRule = rule('a', { id: 'kr', apiKeyId: 'key1', candidates: [{ modelId: 'c', priority: 0, weight: 1 }] });
    const route = { ...a, routing: { deployments: [], orgRule: rule('a', { candidates: [{ modelId: 'b', priority: 0, weight: 1 }] }), keyRules: new Map([['key1', keyRule]]) } };
    assert.deepEqual(ids(planRoute({ ...base, route }).targets), ['a', 'c']);
    assert.deepEqual(ids(planRoute({ ...base, route, keyId: 'other' }).targets), ['a', 'b']);
  });

  it('a rule listing the requested model places it by its own priority; ROUND_ROBIN rotates the start', () => {
    const r = rule('a', { strategy: 'ROUND_ROBIN', candidates: [{ modelId: 'b', priority: 0, weight: 1 }, { modelId: 'a', priority: 1, weight: 1 }] });
    const route = { ...a, routing: { deployments: [], orgRule: r } };
    assert.deepEqual(ids(planRoute({ ...base, route, turn: 0 }).targets), ['b', 'a']);
    assert.deepEqual(ids(planRoute({ ...base, route, turn: 1 }).targets), ['a', 'b']);
  });

  it('deployments replace the implicit primary; disabled providers and revoked keys are skipped', () => {
    const d1 = deployment(a, 'd1', 1);
    const d2 = deployment(a, 'd2', 1, { provider: { ...a.provider, enabled: false } });
    const d3 = deployment(a, 'd3', 1, { providerKey: { id: 'k3', revoked: true } });
    const d4 = deployment(a, 'd4', 0);
    const route = { ...a, routing: { deployments: [d1, d2, d3, d4] } };
    const p = planRoute({ ...base, route });
    assert.deepEqual(ids(p.targets), ['d1']);
    assert.deepEqual(p.skipped.map((s) => [s.deploymentId, s.reason]).sort(), [['d2', 'provider_disabled'], ['d3', 'provider_key_revoked'], ['d4', 'zero_weight']]);
  });

  it('WEIGHTED candidates: first choice follows the weights', () => {
    const route = { ...a, routing: { deployments: [], orgRule: rule('a', { strategy: 'WEIGHTED', candidates: [{ modelId: 'a', priority: 0, weight: 1 }, { modelId: 'b', priority: 0, weight: 3 }] }) } };
    const rng = seededRng(9);
    let b1 = 0;
    for (let i = 0; i < 1000; i++) if (planRoute({ ...base, route, rng }).targets[0].modelId === 'b') b1++;
    assert.ok(Math.abs(b1 / 1000 - 0.75) < 0.05, String(b1));
  });

  it('cooling targets are moved to skipped with their end', () => {
    const route = { ...a, routing: { deployments: [deployment(a, 'd1', 1), deployment(a, 'd2', 1)] } };
    const p = planRoute({ ...base, route, rng: () => 0 });
    const { ready, skipped } = applyCooldowns(p, [5000, null], 1000);
    assert.deepEqual(ids(ready), ['d2']);
    assert.deepEqual(skipped, [{ modelId: 'a', modelName: 'name-a', deploymentId: 'd1', reason: 'cooling_down', until: 5000 }]);
    assert.deepEqual(ids(applyCooldowns(p, [900, null], 1000).ready), ['d1', 'd2']);
  });
});
