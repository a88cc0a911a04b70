import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { modelRepo } from '../../store/repos/model.repo.ts';
import { providerRepo } from '../../store/repos/provider.repo.ts';
import { providerKeyRepo } from '../../store/repos/provider-key.repo.ts';
import { grantRepo } from '../../store/repos/grant.repo.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { id, idList, pageParams, parseBody, toPage } from '../shared/validation.ts';
import { policiesField } from '../policies/policies-field.ts';
import { CATALOG } from '../catalog/catalog.data.ts';
import { apiKeyView } from '../api-keys/api-keys.view.ts';
import { createGrantService } from '../grants/grants.service.ts';
import { modelView } from './models.view.ts';
import { createModelService } from './models.service.ts';

const price = z.number().min(0).max(1_000_000);
const pricing = z.object({ inputPerMTok: price.optional(), outputPerMTok: price.optional(), cachedInputPerMTok: price.optional() }).strict();
const modelType = z.enum(['chat', 'embeddings', 'image', 'audio']);
const modelName = z.string().trim().min(1).max(200).regex(/^[\w.:/@+-]+$/, 'may contain letters, digits and . _ - : / @ +');

const ModelCreate = z.object({
  name: modelName, slug: z.string().trim().min(1).max(200), providerId: id, providerApiKeyId: id.nullable().optional(),
  type: modelType.default('chat'), capabilities: z.array(z.string().max(50)).max(50).optional(), pricing: pricing.optional(), policies: policiesField.optional(),
}).strict();
const ModelPatch = z.object({
  name: modelName.optional(), slug: z.string().trim().min(1).max(200).optional(), providerApiKeyId: id.nullable().optional(),
  type: modelType.optional(), capabilities: z.array(z.string().max(50)).max(50).optional(), pricing: pricing.optional(), policies: policiesField.optional(),
}).strict();
const Batch = z.object({ providerId: id, providerApiKeyId: id, slugs: z.array(z.string().min(1).max(200)).min(1).max(500) }).strict();
const GrantKeys = z.object({ apiKeyIds: idList }).strict();

type P = { orgId: string; modelId: string };

export async function modelRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const { invalidate } = app.deps;
  const models = createModelService({ models: modelRepo(db), providers: providerRepo(db), providerKeys: providerKeyRepo(db), catalog: CATALOG, invalidate });
  const grants = createGrantService({ grants: grantRepo(db), invalidate });

  app.get<{ Params: { orgId: string }; Querystring: Record<string, string> }>('/organisations/:orgId/models', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    const { providerId, type, q } = req.query;
    return toPage(await models.list(req.params.orgId, { providerId, type, q }, p), p.limit, modelView);
  });

  app.post<{ Params: { orgId: string } }>('/organisations/:orgId/models', { config: { bodySchema: ModelCreate } }, async (req, reply) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'write');
    const row = await models.create(orgId, parseBody(ModelCreate, req.body));
    reply.status(201);
    return modelView(row);
  });

  // Batch Create From Catalog: all or nothing.
  app.post<{ Params: { orgId: string } }>('/organisations/:orgId/models/batch', { config: { bodySchema: Batch } }, async (req, reply) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'write');
    const rows = await models.createFromCatalog(orgId, parseBody(Batch, req.body));
    reply.status(201);
    return { items: rows.map(modelView), nextCursor: null };
  });

  app.get<{ Params: P }>('/organisations/:orgId/models/:modelId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return modelView(await models.get(req.params.orgId, req.params.modelId));
  });

  app.patch<{ Params: P }>('/organisations/:orgId/models/:modelId', { config: { bodySchema: ModelPatch } }, async (req) => {
    const { orgId, modelId } = req.params;
    await requireOrg(req, orgId, 'write');
    return modelView(await models.update(orgId, modelId, parseBody(ModelPatch, req.body)));
  });

  app.delete<{ Params: P }>('/organisations/:orgId/models/:modelId', async (req, reply) => {
    const { orgId, modelId } = req.params;
    await requireOrg(req, orgId, 'write');
    await models.remove(orgId, modelId);
    reply.status(204);
  });

  // The same grants as a key's Model Access tab, seen from the model.
  app.get<{ Params: P }>('/organisations/:orgId/models/:modelId/api-keys', async (req) => {
    const { orgId, modelId } = req.params;
    await requireOrg(req, orgId, 'read');
    const p = pageParams(req.query);
    return toPage(await grants.keysOfTarget(orgId, 'model', modelId, p), p.limit, apiKeyView);
  });

  app.post<{ Params: P }>('/organisations/:orgId/models/:modelId/api-keys', { config: { bodySchema: GrantKeys } }, async (req, reply) => {
    const { orgId, modelId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(GrantKeys, req.body);
    const granted = await grants.grantToTarget(orgId, 'model', modelId, body.apiKeyIds);
    reply.status(201);
    return { granted };
  });

  app.delete<{ Params: P & { keyId: string } }>('/organisations/:orgId/models/:modelId/api-keys/:keyId', async (req, reply) => {
    const { orgId, modelId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    await grants.revokeFromTarget(orgId, 'model', modelId, keyId);
    reply.status(204);
  });
}
