import type { FastifyRequest } from 'fastify';
import type { ResolvedAuth } from '../auth/auth-entry.ts';
import type { ModelRoute } from '../access/org-routes.ts';
import type { Usage } from '../providers/contract.ts';
import { requestedOutputTokens } from '../providers/output-budget.ts';
import { PROVIDER_TYPE_INFO } from '../providers/provider-types.ts';
import { ANTHROPIC_DEFAULT_MAX_TOKENS } from '../providers/anthropic/messages-request-encode.ts';
import { estimateInputTokens, type PolicyEngine, type PolicyHandle, type PolicyScope, type ClientIpResolver } from '../policy/index.ts';

/** Stacked scopes of a request: organisation, team (when the key has one), key, model. */
export function scopesOf(auth: ResolvedAuth, route: Pick<ModelRoute, 'modelId' | 'policies'> | undefined): PolicyScope[] {
  const scopes: PolicyScope[] = [{ scope: 'organisation', id: auth.orgId, policies: auth.policies.organisation }];
  if (auth.teamId) scopes.push({ scope: 'team', id: auth.teamId, policies: auth.policies.team });
  scopes.push({ scope: 'key', id: auth.keyId, policies: auth.policies.key });
  if (route) scopes.push({ scope: 'model', id: route.modelId, policies: route.policies });
  return scopes;
}

/** The requested output budget, whichever surface's field carries it (the largest when several do);
 *  throws invalid_request_body for a value that is not a non-negative integer. */
export function requestedMaxTokens(body: Record<string, unknown>): number | undefined {
  return requestedOutputTokens(body);
}

/** What the upstream call carries when neither the client nor a policy sets a budget: Anthropic needs
 *  max_tokens, so its translation sends a default (provider config defaultMaxTokens). */
function defaultOutputTokens(route: ModelRoute): number | undefined {
  if (PROVIDER_TYPE_INFO[route.provider.type].family !== 'anthropic') return undefined;
  const d = route.provider.config.defaultMaxTokens;
  return typeof d === 'number' ? d : ANTHROPIC_DEFAULT_MAX_TOKENS;
}

/**
 * The policy step of the request path. The engine caches compiled policies by object identity,
 * and the auth and routing caches hand over the same objects on every warm request.
 */
export async function admitRequest(engine: PolicyEngine, clientIp: ClientIpResolver, req: FastifyRequest, auth: ResolvedAuth, route: ModelRoute, body: Record<string, unknown>): Promise<PolicyHandle> {
  const len = Number(req.headers['content-length']);
  return engine.check(scopesOf(auth, route), {
    clientIp: clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']),
    requestBytes: Number.isFinite(len) ? len : Buffer.byteLength(JSON.stringify(body)),
    maxTokens: requestedMaxTokens(body),
    defaultOutputTokens: defaultOutputTokens(route),
    inputTokens: estimateInputTokens(body),
  });
}

export function toTokenUsage(u: Usage) {
  return { inputTokens: u.inputTokens, outputTokens: u.outputTokens };
}
