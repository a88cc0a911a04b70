import { GatewayError } from '../errors/index.ts';
import type { ResolvedAuth } from '../auth/auth-entry.ts';
import type { ModelRoute, OrgRoutes } from './org-routes.ts';

/**
 * Resolves a requested model name for a key: exact name within the key's organisation (no
 * case folding, prefixes or aliases), then the key's grant, then provider state. Only the key's
 * own organisation is consulted: a name that exists elsewhere is, to this key, a name that does
 * not exist (same code, status and message), so no key can probe other organisations' models.
 * It reads only the in-process routing table: no SQL on a warm request.
 */
export async function resolveModel(orgRoutes: OrgRoutes, auth: ResolvedAuth, requested: unknown): Promise<ModelRoute> {
  if (typeof requested !== 'string' || requested.length === 0) {
    throw new GatewayError('invalid_request', 'model is required', { param: 'model' });
  }
  const table = await orgRoutes.get(auth.orgId);
  const route = table.models.get(requested);
  if (!route) throw new GatewayError('model_not_found', `Model '${clip(requested)}' does not exist`, { param: 'model' });
  if (!auth.modelIdSet.has(route.modelId)) {
    throw new GatewayError('model_not_allowed', `This API key is not allowed to use model '${clip(requested)}'`, { param: 'model' });
  }
  // A routed model's deployments and candidates are checked one by one when the call is planned.
  if (route.routing) return route;
  if (!route.provider.enabled) throw new GatewayError('provider_disabled', `The provider of model '${route.name}' is disabled`);
  if (!route.providerKey) throw new GatewayError('provider_api_key_not_configured', `Model '${route.name}' has no provider key configured`);
  if (route.providerKey.revoked) throw new GatewayError('provider_api_key_revoked', `The provider key of model '${route.name}' has been revoked`);
  return route;
}

function clip(s: string): string {
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}
