import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { routingRuleRepo } from '../../store/repos/routing-rule.repo.ts';
import { grantRepo } from '../../store/repos/grant.repo.ts';
import { apiKeyRepo } from '../../store/repos/api-key.repo.ts';
import { FAILOVER_ON, STRATEGIES } from '../../routing/routing.types.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { id, pageParams, parseBody, toPage } from '../shared/validation.ts';
import { createRoutingRuleService } from './routing-rules.service.ts';
import { createRoutingExplainService } from './routing-explain.service.ts';
import { routingRuleView } from './routing-rules.view.ts';

const candidate = z.object({ modelId: id, priority: z.number().int().min(0).max(1000).default(0), weight: z.number().int().min(0).max(10_000).default(1) }).strict();
const fields = {
  strategy: z.enum(STRATEGIES),
  candidates: z.array(candidate).min(1, 'must list at least one candidate').max(20),
  failoverOn: z.array(z.enum(FAILOVER_ON)).min(1).max(4),
  maxAttempts: z.number().int().min(1).max(10),
  retryDelayMs: z.number().int().min(0).max(60_000),
};
const Create = z.object({
  modelId: id, apiKeyId: id.nullable().optional(), strategy: fields.strategy.default('FAILOVER'), candidates: fields.candidates,
  failoverOn: fields.failoverOn.default(['SERVER_ERROR', 'TIMEOUT', 'RATE_LIMIT']), maxAttempts: fields.maxAttempts.default(3), retryDelayMs: fields.retryDelayMs.default(0),
}).strict();
const Patch = z.object({
  strategy: fields.strategy.optional(), candidates: fields.candidates.optional(), failoverOn: fields.failoverOn.optional(),
  maxAttempts: fields.maxAttempts.optional(), retryDelayMs: fields.retryDelayMs.optional(),
}).strict();
const ExplainQuery = z.object({ model: z.string().min(1).max(200).optional() }).strict();

type P = { orgId: string; ruleId: string };

/** Routing rules (…/{orgId}/routing-rules) and the dry run of a key's routing (…/api-keys/{keyId}/routing-explain). */
export async function routingRuleRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const rules = createRoutingRuleService({ rules: routingRuleRepo(db), grants: grantRepo(db), invalidate: app.deps.invalidate });
  const explainer = createRoutingExplainService({ apiKeys: apiKeyRepo(db), grants: grantRepo(db), orgRoutes: app.deps.orgRoutes, cooldowns: app.deps.routing.cooldowns });

  app.get<{ Params: { orgId: string }; Querystring: Record<string, string> }>('/organisations/:orgId/routing-rules', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    return toPage(await rules.list(req.params.orgId, { modelId: req.query.modelId, apiKeyId: req.query.apiKeyId }, p), p.limit, routingRuleView);
  });

  app.post<{ Params: { orgId: string } }>('/organisations/:orgId/routing-rules', { config: { bodySchema: Create } }, async (req, reply) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'write');
    const row = await rules.create(orgId, parseBody(Create, req.body));
    reply.status(201);
    return routingRuleView(row);
  });

  app.get<{ Params: P }>('/organisations/:orgId/routing-rules/:ruleId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return routingRuleView(await rules.get(req.params.orgId, req.params.ruleId));
  });

  app.patch<{ Params: P }>('/organisations/:orgId/routing-rules/:ruleId', { config: { bodySchema: Patch } }, async (req) => {
    const { orgId, ruleId } = req.params;
    await requireOrg(req, orgId, 'write');
    return routingRuleView(await rules.update(orgId, ruleId, parseBody(Patch, req.body)));
  });

  app.delete<{ Params: P }>('/organisations/:orgId/routing-rules/:ruleId', async (req, reply) => {
    const { orgId, ruleId } = req.params;
    await requireOrg(req, orgId, 'write');
    await rules.remove(orgId, ruleId);
    reply.status(204);
  });

  app.get<{ Params: { orgId: string; keyId: string } }>('/organisations/:orgId/api-keys/:keyId/routing-explain', { config: { querySchema: ExplainQuery } }, async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'read');
    return explainer.explain(orgId, keyId, parseBody(ExplainQuery, req.query ?? {}).model);
  });
}
