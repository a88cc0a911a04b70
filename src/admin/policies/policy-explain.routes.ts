import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';
import { requireOrg } from './operator-auth.ts';
import { json, parseBody } from './validation.ts';
import { scopesOf } from '../surfaces/policy-gate.ts';
import type { ResolvedAuth } from '../auth/auth-entry.ts';

const Query = z.object({
  modelId: z.string().min(1).max(100).optional(),
  clientIp: z.string().max(100).optional(),
  maxTokens: z.coerce.number().int().min(0).optional(),
  inputTokens: z.coerce.number().int().min(0).optional(),
  requestBytes: z.coerce.number().int().min(0).optional(),
}).strict();

/**
 * Dry run: which policies apply to a key (and model), and which would refuse the next request.
 * Reads counters without consuming anything.
 */
export async function policyExplainRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  app.get<{ Params: { orgId: string; keyId: string } }>('/organisations/:orgId/api-keys/:keyId/policy-explain', { config: { querySchema: Query } }, async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'read');
    const q = parseBody(Query, req.query ?? {});
    const k = await db.selectFrom('api_keys').innerJoin('organisations', 'organisations.id', 'api_keys.organisation_id').leftJoin('teams', 'teams.id', 'api_keys.team_id')
      .select(['api_keys.id', 'api_keys.team_id', 'api_keys.policies as kp', 'organisations.policies as op', 'teams.policies as tp'])
      .where('api_keys.organisation_id', '=', orgId).where('api_keys.id', '=', keyId).executeTakeFirst();
    if (!k) throw new GatewayError('not_found', 'API key not found');
    let model: { modelId: string; policies: unknown } | undefined;
    if (q.modelId) {
      const m = await db.selectFrom('models').select(['id', 'policies']).where('organisation_id', '=', orgId).where('id', '=', q.modelId).executeTakeFirst();
      if (!m) throw new GatewayError('invalid_request', 'modelId does not name a model of this organisation', { field: 'modelId' });
      model = { modelId: m.id, policies: json.parse(m.policies, {}) };
    }
    const auth = {
      keyId: k.id, orgId, teamId: k.team_id,
      policies: { organisation: json.parse(k.op, {}), team: json.parse(k.tp, {}), key: json.parse(k.kp, {}) },
    } as ResolvedAuth;
    return app.deps.policy.explain(scopesOf(auth, model), {
      clientIp: q.clientIp, maxTokens: q.maxTokens, inputTokens: q.inputTokens, requestBytes: q.requestBytes,
    });
  });
}
