import type { ResolvedAuth } from '../auth/auth-entry.ts';
import type { ModelRoute } from '../access/org-routes.ts';
import type { Usage } from '../canonical/usage.types.ts';
import { familyOf } from '../providers/index.ts';
import { upstreamFormat } from '../wire/wire-formats.ts';
import type { PolicyEngine, PolicyHandle, PolicyScope, ClientIpResolver } from '../policy/index.ts';
import type { GatewayRequest } from './gateway-request.ts';
import type { GatewayCallRequest } from './gateway-exchange.ts';

/** Stacked scopes of a request: organisation, team (when the key has one), key, model. */
export function scopesOf(auth: ResolvedAuth, route: Pick<ModelRoute, 'modelId' | 'policies'> | undefined): PolicyScope[] {
  const scopes: PolicyScope[] = [{ scope: 'organisation', id: auth.orgId, policies: auth.policies.organisation }];
  if (auth.teamId) scopes.push({ scope: 'team', id: auth.teamId, policies: auth.policies.team });
  scopes.push({ scope: 'key', id: auth.keyId, policies: auth.policies.key });
  if (route) scopes.push({ scope: 'model', id: route.modelId, policies: route.policies });
  return scopes;
}

/** What the upstream call carries when neither the client nor a policy sets a budget (Anthropic needs
 *  max_tokens, so its format sends a default: provider config defaultMaxTokens). */
export function defaultOutputTokens(route: ModelRoute): number | undefined {
  return upstreamFormat(familyOf(route.provider.type), 'chat').upstream?.defaultOutputTokens(route.provider.config);
}

/**
 * The policy step of the request path. The engine caches compiled policies by object identity,
 * and the auth and routing caches hand over the same objects on every warm request.
 */
export async function admitRequest(engine: PolicyEngine, clientIp: ClientIpResolver, req: GatewayCallRequest, auth: ResolvedAuth, route: ModelRoute, request: GatewayRequest): Promise<PolicyHandle> {
  // A malformed output budget is refused here, where budgets are read (see GatewayRequest).
  if (request.outputTokensError) throw request.outputTokensError;
  const len = Number(req.headers['content-length']);
  return engine.check(scopesOf(auth, route), {
    clientIp: clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']),
    requestBytes: Number.isFinite(len) ? len : Buffer.byteLength(JSON.stringify(request.body)),
    maxTokens: request.outputTokens,
    defaultOutputTokens: defaultOutputTokens(route),
    inputTokens: request.inputTokens,
    answers: request.answers,
  });
}

export function toTokenUsage(u: Usage) {
  return { inputTokens: u.inputTokens, outputTokens: u.outputTokens };
}
