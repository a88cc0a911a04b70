import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';
import { isUniqueViolation, nowIso } from '../store/db.ts';
import type { ProviderKeyTable, ProviderTable } from '../store/schema.ts';
import { PROVIDER_TYPES, PROVIDER_TYPE_INFO, type ProviderType } from '../providers/provider-types.ts';
import { assertSafeBaseUrl } from '../upstream/ssrf-guard.ts';
import { requireOrg, type Role } from './operator-auth.ts';
import { json, name, pageParams, parseBody, toPage } from './validation.ts';
import { pageQuery } from './paging.sql.ts';

const Activate = z.object({
  type: z.enum(PROVIDER_TYPES),
  name: name.optional(),
  baseUrl: z.string().max(2000).optional(),
  timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
}).strict();
const Patch = z.object({
  name: name.optional(),
  baseUrl: z.string().max(2000).optional(),
  timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
  enabled: z.boolean().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
}).strict();
const KeyCreate = z.object({ name, key: z.string().trim().min(1, 'must not be empty').max(10_000) }).strict();

export const providerView = (p: ProviderTable) => ({
  id: p.id, organisationId: p.organisation_id, type: p.type, name: p.name, baseUrl: p.base_url, timeoutMs: p.timeout_ms,
  enabled: !!p.enabled, config: json.parse(p.config, {}), createdAt: p.created_at, updatedAt: p.updated_at,
});
// The secret is never returned: only its last four characters.
export const providerKeyView = (k: ProviderKeyTable) => ({ id: k.id, providerId: k.provider_id, name: k.name, keyPreview: k.key_preview, revoked: !!k.revoked, createdAt: k.created_at });

type P = { orgId: string; providerId: string };

/** Where the provider key is sent is for admins: a manager could otherwise receive the key an admin entered. */
const baseUrlForbidden = (role: Role) =>
  new GatewayError('forbidden', `Your role (${role}) cannot set baseUrl: where a provider key is sent is for admins`, { field: 'baseUrl' });

export async function providerRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const allowPrivate = app.deps.config.ODOCK_ALLOW_PRIVATE_UPSTREAMS;
  const invalidateOrg = (orgId: string) => app.deps.invalidate({ kind: 'org', orgId });

  const findProvider = async (orgId: string, providerId: string) => {
    const p = await db.selectFrom('providers').selectAll().where('organisation_id', '=', orgId).where('id', '=', providerId).executeTakeFirst();
    if (!p) throw new GatewayError('not_found', 'Provider not found');
    return p;
  };

  app.get<{ Params: { orgId: string } }>('/organisations/:orgId/providers', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const active = await db.selectFrom('providers').selectAll().where('organisation_id', '=', req.params.orgId).execute();
    const byType = new Map(active.map((p) => [p.type, p]));
    return {
      items: PROVIDER_TYPES.map((t) => {
        const p = byType.get(t);
        const info = PROVIDER_TYPE_INFO[t];
        return { type: t, displayName: info.displayName, family: info.family, defaultBaseUrl: info.defaultBaseUrl, active: !!p, provider: p ? providerView(p) : null };
      }),
      nextCursor: null,
    };
  });

  app.post<{ Params: { orgId: string } }>('/organisations/:orgId/providers', { config: { bodySchema: Activate } }, async (req, reply) => {
    const { orgId } = req.params;
    const { role } = await requireOrg(req, orgId, 'write');
    const body = parseBody(Activate, req.body);
    if (body.baseUrl !== undefined && role !== 'admin') throw baseUrlForbidden(role);
    const info = PROVIDER_TYPE_INFO[body.type as ProviderType];
    const rawUrl = body.baseUrl ?? info.defaultBaseUrl;
    if (!rawUrl) throw new GatewayError('invalid_request', `baseUrl is required for ${body.type}`, { field: 'baseUrl' });
    const now = nowIso();
    const row: ProviderTable = {
      id: randomUUID(), organisation_id: orgId, type: body.type, name: body.name ?? info.displayName,
      base_url: assertSafeBaseUrl(rawUrl, allowPrivate || (!body.baseUrl && body.type === 'VLLM'), 'baseUrl'),
      timeout_ms: body.timeoutMs ?? info.defaultTimeoutMs, enabled: 1, config: JSON.stringify(body.config ?? {}), created_at: now, updated_at: now,
    };
    try {
      await db.insertInto('providers').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new GatewayError('conflict', `${body.type} is already active in this organisation`, { field: 'type' });
      throw e;
    }
    reply.status(201);
    return providerView(row);
  });

  app.get<{ Params: P }>('/organisations/:orgId/providers/:providerId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return providerView(await findProvider(req.params.orgId, req.params.providerId));
  });

  app.patch<{ Params: P }>('/organisations/:orgId/providers/:providerId', { config: { bodySchema: Patch } }, async (req) => {
    const { orgId, providerId } = req.params;
    const { role } = await requireOrg(req, orgId, 'write');
    const body = parseBody(Patch, req.body);
    const before = await findProvider(orgId, providerId);
    const set: Partial<ProviderTable> = { updated_at: nowIso() };
    if (body.name !== undefined) set.name = body.name;
    if (body.baseUrl !== undefined) {
      set.base_url = assertSafeBaseUrl(body.baseUrl, allowPrivate, 'baseUrl');
      // An unchanged value is fine: a form may send every field back.
      if (set.base_url !== before.base_url && role !== 'admin') throw baseUrlForbidden(role);
    }
    if (body.timeoutMs !== undefined) set.timeout_ms = body.timeoutMs;
    if (body.enabled !== undefined) set.enabled = body.enabled ? 1 : 0;
    if (body.config !== undefined) set.config = JSON.stringify(body.config);
    await db.updateTable('providers').set(set).where('id', '=', providerId).where('organisation_id', '=', orgId).execute();
    await invalidateOrg(orgId);
    return providerView(await findProvider(orgId, providerId));
  });

  app.delete<{ Params: P }>('/organisations/:orgId/providers/:providerId', async (req, reply) => {
    const { orgId, providerId } = req.params;
    await requireOrg(req, orgId, 'write');
    await findProvider(orgId, providerId);
    // Its keys and models go with it (cascade).
    await db.deleteFrom('providers').where('id', '=', providerId).where('organisation_id', '=', orgId).execute();
    await invalidateOrg(orgId);
    reply.status(204);
  });

  app.get<{ Params: P }>('/organisations/:orgId/providers/:providerId/keys', async (req) => {
    const { orgId, providerId } = req.params;
    await requireOrg(req, orgId, 'read');
    await findProvider(orgId, providerId);
    const p = pageParams(req.query);
    const rows = await pageQuery(db.selectFrom('provider_keys').selectAll().where('provider_id', '=', providerId).where('organisation_id', '=', orgId), 'provider_keys', p).execute();
    return toPage(rows, p.limit, providerKeyView);
  });

  app.post<{ Params: P }>('/organisations/:orgId/providers/:providerId/keys', { config: { bodySchema: KeyCreate } }, async (req, reply) => {
    const { orgId, providerId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(KeyCreate, req.body);
    await findProvider(orgId, providerId);
    const id = randomUUID();
    const row: ProviderKeyTable = {
      id, organisation_id: orgId, provider_id: providerId, name: body.name,
      ciphertext: app.deps.vault.encrypt(body.key, { organisationId: orgId, recordId: id, purpose: 'provider_key' }),
      key_preview: body.key.slice(-4), revoked: 0, created_at: nowIso(),
    };
    try {
      await db.insertInto('provider_keys').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new GatewayError('conflict', `A key named '${body.name}' already exists for this provider`, { field: 'name' });
      throw e;
    }
    reply.status(201);
    return providerKeyView(row);
  });

  const findKey = async (orgId: string, providerId: string, keyId: string) => {
    const k = await db.selectFrom('provider_keys').selectAll().where('organisation_id', '=', orgId).where('provider_id', '=', providerId).where('id', '=', keyId).executeTakeFirst();
    if (!k) throw new GatewayError('not_found', 'Provider key not found');
    return k;
  };

  app.post<{ Params: P & { keyId: string } }>('/organisations/:orgId/providers/:providerId/keys/:keyId/revoke', async (req) => {
    const { orgId, providerId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    await findKey(orgId, providerId, keyId);
    await db.updateTable('provider_keys').set({ revoked: 1 }).where('id', '=', keyId).where('organisation_id', '=', orgId).execute();
    await invalidateOrg(orgId);
    return providerKeyView(await findKey(orgId, providerId, keyId));
  });

  app.delete<{ Params: P & { keyId: string } }>('/organisations/:orgId/providers/:providerId/keys/:keyId', async (req, reply) => {
    const { orgId, providerId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    await findKey(orgId, providerId, keyId);
    await db.deleteFrom('provider_keys').where('id', '=', keyId).where('organisation_id', '=', orgId).execute();
    await invalidateOrg(orgId);
    reply.status(204);
  });
}
