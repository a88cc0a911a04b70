import { GatewayError } from '../../errors/index.ts';
import type { ApiKeyRepo } from '../../store/repos/api-key.repo.ts';
import type { GrantRepo } from '../../store/repos/grant.repo.ts';
import type { ModelRoute, OrgRoutes } from '../../access/org-routes.ts';
import type { CooldownStore } from '../../routing/cooldown-store.ts';
import { explainPlan } from '../../routing/routing-explain.ts';

export interface RoutingExplainServiceDeps {
  apiKeys: Pick<ApiKeyRepo, 'find'>;
  grants: Pick<GrantRepo, 'modelsOfKey'>;
  orgRoutes: Pick<OrgRoutes, 'get'>;
  cooldowns: Pick<CooldownStore, 'coolingUntil'>;
}

/**
 * Dry run: for a key and a requested model name, the candidates and deployments a call would
 * try, in order, and why others are left out. Without a model name: the same for every model the
 * key is granted, as a list.
 */
export function createRoutingExplainService({ apiKeys, grants, orgRoutes, cooldowns }: RoutingExplainServiceDeps) {
  const one = async (route: ModelRoute, modelsById: ReadonlyMap<string, ModelRoute>, keyId: string, granted: ReadonlySet<string>) => {
    if (!granted.has(route.modelId)) {
      return { model: { id: route.modelId, name: route.name }, allowed: false, reason: 'model_not_allowed', rule: null, order: [], skipped: [] };
    }
    const out = await explainPlan(route, modelsById, keyId, granted, (keys) => cooldowns.coolingUntil(keys, Date.now()), Date.now());
    return { ...out, allowed: true };
  };

  return {
    async explain(orgId: string, keyId: string, modelName: string | undefined) {
      if (!(await apiKeys.find(orgId, keyId))) throw new GatewayError('not_found', 'API key not found');
      const table = await orgRoutes.get(orgId);
      // Every grant of the key (a key holds at most the organisation's models).
      const granted = new Set((await grants.modelsOfKey(orgId, keyId, { limit: 100_000 })).map((m) => m.id));
      if (modelName === undefined) {
        const routes = [...table.modelsById.values()].filter((m) => granted.has(m.modelId)).sort((a, b) => a.name.localeCompare(b.name));
        return { items: await Promise.all(routes.map((r) => one(r, table.modelsById, keyId, granted))), nextCursor: null };
      }
      const route = table.models.get(modelName);
      if (!route) throw new GatewayError('invalid_request', `model: '${modelName.slice(0, 100)}' is not a model of this organisation`, { field: 'model' });
      return one(route, table.modelsById, keyId, granted);
    },
  };
}
