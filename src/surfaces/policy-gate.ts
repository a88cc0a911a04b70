import type { FastifyRequest } from 'fastify';
import type { ResolvedAuth } from '../auth/auth-entry.ts';
import type { ModelRoute } from '../access/org-routes.ts';
import type { Usage } from '../providers/contract.ts';
import { estimateInputTokens, type PolicyEngine, type PolicyHandle, type PolicyScope, type ClientIpResolver } from '../policy/index.ts';

/** Stacked scopes of a request: organisation, team (when the key has one), key, model. */
export function scopesOf(auth: ResolvedAuth, route: Pick<ModelRoute, 'modelId' | 'policies'> | undefined): PolicyScope[] {
  const scopes: PolicyScope[] = [{ scope: 'organisation', id: auth.orgId, policies: auth.policies.organisation }];
  if (auth.teamId) scopes.push({ scope: 'team', id: auth.teamId, policies: auth.policies.team });
  scopes.push({ scope: 'key', id: auth.keyId, policies: auth.policies.key });
  if (route) scopes.push({ scope: 'model', id: route.modelId, policies: route.policies });
  return scopes;
}

/** The requested output cap, whichever surface's field carries it. */
export function requestedMaxTokens(body: Record<string, unknown>): number | undefined {
  const gen = body.generationConfig as Record<string, unknown> | undefined;
  const v = body.max_tokens ?? body.max_completion_tokens ?? body.max_output_tokens ?? gen?.maxOutputTokens;
  return typeof v === 'number' ? v : undefined;
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
    inputTokens: estimateInputTokens(body),
  });
}

export function toTokenUsage(u: Usage) {
  return { inputTokens: u.inputTokens, outputTokens: u.outputTokens };
}
