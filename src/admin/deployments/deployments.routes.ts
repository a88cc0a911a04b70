import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deploymentRepo } from '../../store/repos/deployment.repo.ts';
import { modelRepo } from '../../store/repos/model.repo.ts';
import { providerRepo } from '../../store/repos/provider.repo.ts';
import { providerKeyRepo } from '../../store/repos/provider-key.repo.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { id, parseBody } from '../shared/validation.ts';
import { createDeploymentService } from './deployments.service.ts';
import { deploymentView, healthView } from './deployments.view.ts';

const slug = z.string().trim().min(1).max(200);
const weight = z.number().int().min(0).max(10_000);
const Create = z.object({ providerId: id, providerApiKeyId: id, slug, weight: weight.optional() }).strict();
const Patch = z.object({ providerId: id.optional(), providerApiKeyId: id.optional(), slug: slug.optional(), weight: weight.optional() }).strict();

/** A model's deployments (…/models/{modelId}/deployments) and one deployment (…/deployments/{id}). */
export async function deploymentRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const deployments = createDeploymentService({
    deployments: deploymentRepo(db), models: modelRepo(db), providers: providerRepo(db), providerKeys: providerKeyRepo(db),
    cooldowns: app.deps.routing.cooldowns, invalidate: app.deps.invalidate,
  });

  app.get<{ Params: { orgId: string; modelId: string } }>('/organisations/:orgId/models/:modelId/deployments', async (req) => {
    const { orgId, modelId } = req.params;
    await requireOrg(req, orgId, 'read');
    const rows = await deployments.list(orgId, modelId);
    return { items: rows.map(({ row, health }) => ({ ...deploymentView(row), health: healthView(health) })), nextCursor: null };
  });

  app.post<{ Params: { orgId: string; modelId: string } }>('/organisations/:orgId/models/:modelId/deployments', { config: { bodySchema: Create } }, async (req, reply) => {
    const { orgId, modelId } = req.params;
    await requireOrg(req, orgId, 'write');
    const row = await deployments.create(orgId, modelId, parseBody(Create, req.body));
    reply.status(201);
    return deploymentView(row);
  });

  app.patch<{ Params: { orgId: string; deploymentId: string } }>('/organisations/:orgId/deployments/:deploymentId', { config: { bodySchema: Patch } }, async (req) => {
    const { orgId, deploymentId } = req.params;
    await requireOrg(req, orgId, 'write');
    return deploymentView(await deployments.update(orgId, deploymentId, parseBody(Patch, req.body)));
  });

  app.delete<{ Params: { orgId: string; deploymentId: string } }>('/organisations/:orgId/deployments/:deploymentId', async (req, reply) => {
    const { orgId, deploymentId } = req.params;
    await requireOrg(req, orgId, 'write');
    await deployments.remove(orgId, deploymentId);
    reply.status(204);
  });
}
