import type { Vault } from '../crypto/envelope.ts';
import type { ModelRoute } from '../access/org-routes.ts';
import type { ProviderType } from '../providers/provider-types.ts';
import type { DeploymentRouteRow } from '../store/repos/org-route.repo.ts';
import type { RoutingRuleTable } from '../store/schema.ts';
import { json } from '../store/json-column.ts';
import type { ModelRouting, RoutingRule, TargetRoute } from './routing.types.ts';

export function parseRule(r: RoutingRuleTable): RoutingRule {
  return {
    id: r.id, modelId: r.model_id, apiKeyId: r.api_key_id, strategy: r.strategy as RoutingRule['strategy'],
    candidates: json.parse(r.candidates, []), failoverOn: json.parse(r.failover_on, []),
    maxAttempts: r.max_attempts, retryDelayMs: r.retry_delay_ms,
  };
}

function routingOf(model: ModelRoute): ModelRouting {
  return (model.routing ??= { deployments: [] });
}

/**
 * Adds deployments and rules to the organisation's model routes, loaded with them (and dropped
 * with them on invalidation), so a warm routed request plans without SQL. A deployment is its
 * model's route with another provider, key and slug; its secret is decrypted on first use.
 */
export function attachRouting(orgId: string, modelsById: Map<string, ModelRoute>, deployments: DeploymentRouteRow[], rules: RoutingRuleTable[], vault: Vault): void {
  for (const d of deployments) {
    const model = modelsById.get(d.model_id);
    if (!model) continue;
    let secret: string | undefined;
    const target: TargetRoute = {
      ...model,
      deploymentId: d.id,
      weight: d.weight,
      slug: d.slug,
      provider: {
        id: d.p_id, type: d.p_type as ProviderType, baseUrl: d.p_base_url.replace(/\/+$/, ''), timeoutMs: d.p_timeout_ms,
        enabled: !!d.p_enabled, config: json.parse(d.p_config, {}),
      },
      providerKey: { id: d.k_id, revoked: !!d.k_revoked },
      secret() {
        if (secret === undefined) secret = vault.decrypt(d.k_ciphertext, { organisationId: orgId, recordId: d.k_id, purpose: 'provider_key' });
        return secret;
      },
    };
    routingOf(model).deployments.push(target);
  }
  for (const row of rules) {
    const model = modelsById.get(row.model_id);
    if (!model) continue;
    const rule = parseRule(row);
    const routing = routingOf(model);
    if (rule.apiKeyId === null) routing.orgRule = rule;
    else (routing.keyRules ??= new Map()).set(rule.apiKeyId, rule);
  }
}
