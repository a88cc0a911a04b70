import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';
import { isUniqueViolation, nowIso } from '../store/db.ts';
import type { Database, ModelTable } from '../store/schema.ts';
import { requireOrg } from './operator-auth.ts';
import { id, idList, json, name, pageParams, parseBody, toPage } from './validation.ts';
import { pageQuery } from './paging.sql.ts';
import { policiesField } from './policies-field.ts';
import { CATALOG } from './catalog.data.ts';
import { apiKeyView } from './api-keys.view.ts';
import { addGrants, removeGrant } from './grants.ts';

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

export const modelView = (m: ModelTable) => ({
  id: m.id, organisationId: m.organisation_id, name: m.name, slug: m.slug, providerId: m.provider_id, providerApiKeyId: m.provider_api_key_id,
  type: m.type, capabilities: json.parse(m.capabilities, []), pricing: json.parse(m.pricing, {}), policies: json.parse(m.policies, {}),
  createdAt: m.created_at, updatedAt: m.updated_at,
});

async function checkProviderAndKey(db: Kysely<Database>, orgId: string, providerId: string, keyId: string | null | undefined) {
  const provider = await db.selectFrom('providers').select(['id', 'type']).where('organisation_id', '=', orgId).where('id', '=', providerId).executeTakeFirst();
  if (!provider) throw new GatewayError('invalid_request', 'providerId does not name an active provider of this organisation', { field: 'providerId' });
  if (keyId) {
    const key = await db.selectFrom('provider_keys').select('id').where('organisation_id', '=', orgId).where('provider_id', '=', providerId).where('id', '=', keyId).executeTakeFirst();
    if (!key) throw new GatewayError('invalid_request', 'providerApiKeyId does not name a key of this provider', { field: 'providerApiKeyId' });
  }
  return provider;
}

type P = { orgId: string; modelId: string };

export async function modelRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const invalidateOrg = (orgId: string) => app.deps.invalidate({ kind: 'org', orgId });
  const conflict = (e: unknown, n: string) => {
    if (isUniqueViolation(e)) return new GatewayError('conflict', `A model named '${n}' already exists`, { field: 'name' });
    return e;
  };

  app.get<{ Params: { orgId: string }; Querystring: Record<string, string> }>('/organisations/:orgId/models', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    let q = db.selectFrom('models').selectAll().where('organisation_id', '=', req.params.orgId);
    if (req.query.providerId) q = q.where('provider_id', '=', req.query.providerId);
    if (req.query.type) q = q.where('type', '=', req.query.type);
    if (req.query.q) q = q.where((eb) => eb.or([eb('name', 'like', `%${req.query.q}%`), eb('slug', 'like', `%${req.query.q}%`)]));
    return toPage(await pageQuery(q, 'models', p).execute(), p.limit, modelView);
  });

  app.post<{ Params: { orgId: string } }>('/organisations/:orgId/models', { config: { bodySchema: ModelCreate } }, async (req, reply) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(ModelCreate, req.body);
    await checkProviderAndKey(db, orgId, body.providerId, body.providerApiKeyId);
    const now = nowIso();
    const row: ModelTable = {
      id: randomUUID(), organisation_id: orgId, name: body.name, slug: body.slug, provider_id: body.providerId,
      provider_api_key_id: body.providerApiKeyId ?? null, type: body.type, capabilities: JSON.stringify(body.capabilities ?? []),
      pricing: JSON.stringify(body.pricing ?? {}), policies: JSON.stringify(body.policies ?? {}), created_at: now, updated_at: now,
    };
    try {
      await db.insertInto('models').values(row).execute();
    } catch (e) {
      throw conflict(e, body.name);
    }
    await invalidateOrg(orgId);
    reply.status(201);
    return modelView(row);
  });

  // Batch Create From Catalog: all or nothing.
  app.post<{ Params: { orgId: string } }>('/organisations/:orgId/models/batch', { config: { bodySchema: Batch } }, async (req, reply) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(Batch, req.body);
    const provider = await checkProviderAndKey(db, orgId, body.providerId, body.providerApiKeyId);
    const slugs = [...new Set(body.slugs)];
    const now = nowIso();
    const rows: ModelTable[] = slugs.map((slug) => {
      const entry = CATALOG.find((c) => c.providerType === provider.type && c.slug === slug);
      if (!entry) throw new GatewayError('invalid_request', `'${slug}' is not in the ${provider.type} catalog`, { field: 'slugs' });
      return {
        id: randomUUID(), organisation_id: orgId, name: slug, slug, provider_id: provider.id, provider_api_key_id: body.providerApiKeyId,
        type: entry.type, capabilities: JSON.stringify(entry.capabilities), pricing: JSON.stringify(entry.pricing), policies: '{}', created_at: now, updated_at: now,
      };
    });
    try {
      await db.transaction().execute(async (tx) => {
        for (const r of rows) await tx.insertInto('models').values(r).execute();
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new GatewayError('conflict', 'One or more of these models already exist; nothing was created', { field: 'slugs' });
      throw e;
    }
    await invalidateOrg(orgId);
    reply.status(201);
    return { items: rows.map(modelView), nextCursor: null };
  });

  const findModel = async (orgId: string, modelId: string) => {
    const m = await db.selectFrom('models').selectAll().where('organisation_id', '=', orgId).where('id', '=', modelId).executeTakeFirst();
    if (!m) throw new GatewayError('not_found', 'Model not found');
    return m;
  };

  app.get<{ Params: P }>('/organisations/:orgId/models/:modelId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return modelView(await findModel(req.params.orgId, req.params.modelId));
  });

  app.patch<{ Params: P }>('/organisations/:orgId/models/:modelId', { config: { bodySchema: ModelPatch } }, async (req) => {
    const { orgId, modelId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(ModelPatch, req.body);
    const m = await findModel(orgId, modelId);
    if (body.providerApiKeyId) await checkProviderAndKey(db, orgId, m.provider_id, body.providerApiKeyId);
    const set: Partial<ModelTable> = { updated_at: nowIso() };
    if (body.name !== undefined) set.name = body.name;
    if (body.slug !== undefined) set.slug = body.slug;
    if (body.providerApiKeyId !== undefined) set.provider_api_key_id = body.providerApiKeyId;
    if (body.type !== undefined) set.type = body.type;
    if (body.capabilities !== undefined) set.capabilities = JSON.stringify(body.capabilities);
    if (body.pricing !== undefined) set.pricing = JSON.stringify(body.pricing);
    if (body.policies !== undefined) set.policies = JSON.stringify(body.policies);
    try {
      await db.updateTable('models').set(set).where('id', '=', modelId).where('organisation_id', '=', orgId).execute();
    } catch (e) {
      throw conflict(e, body.name ?? m.name);
    }
    await invalidateOrg(orgId);
    return modelView(await findModel(orgId, modelId));
  });

  app.delete<{ Params: P }>('/organisations/:orgId/models/:modelId', async (req, reply) => {
    const { orgId, modelId } = req.params;
    await requireOrg(req, orgId, 'write');
    await findModel(orgId, modelId);
    await db.deleteFrom('models').where('id', '=', modelId).where('organisation_id', '=', orgId).execute();
    await invalidateOrg(orgId);
    reply.status(204);
  });

  app.get<{ Params: P }>('/organisations/:orgId/models/:modelId/api-keys', async (req) => {
    const { orgId, modelId } = req.params;
    await requireOrg(req, orgId, 'read');
    await findModel(orgId, modelId);
    const p = pageParams(req.query);
    const rows = await pageQuery(db.selectFrom('api_keys').innerJoin('api_key_model_access', 'api_key_model_access.api_key_id', 'api_keys.id')
      .selectAll('api_keys').where('api_key_model_access.model_id', '=', modelId).where('api_keys.organisation_id', '=', orgId), 'api_keys', p).execute();
    return toPage(rows, p.limit, apiKeyView);
  });

  app.post<{ Params: P }>('/organisations/:orgId/models/:modelId/api-keys', { config: { bodySchema: GrantKeys } }, async (req, reply) => {
    const { orgId, modelId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(GrantKeys, req.body);
    await findModel(orgId, modelId);
    const granted = await addGrants(db, orgId, 'model', body.apiKeyIds, [modelId], 'apiKeyIds');
    await invalidateOrg(orgId);
    reply.status(201);
    return { granted };
  });

  app.delete<{ Params: P & { keyId: string } }>('/organisations/:orgId/models/:modelId/api-keys/:keyId', async (req, reply) => {
    const { orgId, modelId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    await removeGrant(db, orgId, 'model', keyId, modelId);
    await invalidateOrg(orgId);
    reply.status(204);
  });
}
