import type { Kysely } from 'kysely';
import type { Database, McpServerTable, RoutingRuleTable } from '../schema.ts';

/** One model with its provider and (optional) provider key, as the routing table needs it. */
export interface ModelRouteRow {
  id: string; name: string; slug: string; type: string; pricing: string; policies: string;
  p_id: string; p_type: string; p_base_url: string; p_timeout_ms: number; p_enabled: number; p_config: string;
  k_id: string | null; k_revoked: number | null; k_ciphertext: string | null;
}

/** One extra deployment of a model with its provider and provider key. */
export interface DeploymentRouteRow {
  id: string; model_id: string; slug: string; weight: number;
  p_id: string; p_type: string; p_base_url: string; p_timeout_ms: number; p_enabled: number; p_config: string;
  k_id: string; k_revoked: number; k_ciphertext: string;
}

/** What the per-organisation routing table is loaded from: two queries per organisation (four with routing). */
export function orgRouteRepo(db: Kysely<Database>) {
  return {
    modelRoutes(orgId: string): Promise<ModelRouteRow[]> {
      return db.selectFrom('models')
        .innerJoin('providers', 'providers.id', 'models.provider_id')
        .leftJoin('provider_keys', 'provider_keys.id', 'models.provider_api_key_id')
        .where('models.organisation_id', '=', orgId)
        .select([
          'models.id as id', 'models.name as name', 'models.slug as slug', 'models.type as type', 'models.pricing as pricing', 'models.policies as policies',
          'providers.id as p_id', 'providers.type as p_type', 'providers.base_url as p_base_url', 'providers.timeout_ms as p_timeout_ms',
          'providers.enabled as p_enabled', 'providers.config as p_config',
          'provider_keys.id as k_id', 'provider_keys.revoked as k_revoked', 'provider_keys.ciphertext as k_ciphertext',
        ])
        .execute();
    },
    deploymentRoutes(orgId: string): Promise<DeploymentRouteRow[]> {
      return db.selectFrom('model_deployments')
        .innerJoin('providers', 'providers.id', 'model_deployments.provider_id')
        .innerJoin('provider_keys', 'provider_keys.id', 'model_deployments.provider_api_key_id')
        .where('model_deployments.organisation_id', '=', orgId)
        .select([
          'model_deployments.id as id', 'model_deployments.model_id as model_id', 'model_deployments.slug as slug', 'model_deployments.weight as weight',
          'providers.id as p_id', 'providers.type as p_type', 'providers.base_url as p_base_url', 'providers.timeout_ms as p_timeout_ms',
          'providers.enabled as p_enabled', 'providers.config as p_config',
          'provider_keys.id as k_id', 'provider_keys.revoked as k_revoked', 'provider_keys.ciphertext as k_ciphertext',
        ])
        .orderBy('model_deployments.created_at').orderBy('model_deployments.id')
        .execute();
    },
    routingRules(orgId: string): Promise<RoutingRuleTable[]> {
      return db.selectFrom('routing_rules').selectAll().where('organisation_id', '=', orgId).execute();
    },
    mcpServers(orgId: string): Promise<McpServerTable[]> {
      return db.selectFrom('mcp_servers').selectAll().where('organisation_id', '=', orgId).execute();
    },
  };
}
export type OrgRouteRepo = ReturnType<typeof orgRouteRepo>;
