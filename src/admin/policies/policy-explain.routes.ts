import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { apiKeyRepo } from '../../store/repos/api-key.repo.ts';
import { modelRepo } from '../../store/repos/model.repo.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { parseBody } from '../shared/validation.ts';
import { createPolicyExplainService } from './policy-explain.service.ts';

const Query = z.object({
  modelId: z.string().min(1).max(100).optional(),
  clientIp: z.string().max(100).optional(),
  maxTokens: z.coerce.number().int().min(0).optional(),
  inputTokens: z.coerce.number().int().min(0).optional(),
  requestBytes: z.coerce.number().int().min(0).optional(),
}).strict();

/** Dry run of the policies for a key (and model): see policy-explain.service.ts. */
export async function policyExplainRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const explainer = createPolicyExplainService({ apiKeys: apiKeyRepo(db), models: modelRepo(db), policy: app.deps.policy });
  app.get<{ Params: { orgId: string; keyId: string } }>('/organisations/:orgId/api-keys/:keyId/policy-explain', { config: { querySchema: Query } }, async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'read');
    return explainer.explain(orgId, keyId, parseBody(Query, req.query ?? {}));
  });
}
