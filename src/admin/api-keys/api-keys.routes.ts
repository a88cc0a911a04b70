import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';
import { nowIso } from '../store/db.ts';
import type { ApiKeyTable } from '../store/schema.ts';
import { generateVirtualKey, hashKey, maskKey } from '../auth/key-format.ts';
import { parseExpiry, requireFuture } from '../auth/expiry.ts';
import { requireOrg } from './operator-auth.ts';
import { id, idList, pageParams, parseBody, toPage } from './validation.ts';
import { pageQuery } from './paging.sql.ts';
import { policiesField } from './policies-field.ts';
import { apiKeyView } from './api-keys.view.ts';
import { modelView } from './models.routes.ts';
import { mcpServerView } from './mcp-servers.view.ts';
import { addGrants, removeGrant } from './grants.ts';

const KEY_TYPES = ['ORGANISATION', 'TEAM', 'USER'] as const;
const keyName = z.string().trim().min(1).max(200).nullable();
const Create = z.object({
  type: z.enum(KEY_TYPES), teamId: id.nullable().optional(), userId: id.nullable().optional(), name: keyName.optional(),
  expiry: z.string().max(64).nullable().optional(), timezone: z.string().min(1).max(64).optional(), policies: policiesField.optional(),
}).strict();
const Patch = z.object({
  name: keyName.optional(), policies: policiesField.optional(), expiry: z.string().max(64).nullable().optional(), timezone: z.string().min(1).max(64).optional(),
}).strict();
const Rotate = z.object({ expiry: z.string().max(64).nullable().optional(), timezone: z.string().min(1).max(64).optional() }).strict();
const ModelGrant = z.object({ modelIds: idList }).strict();
const McpGrant = z.object({ mcpServerIds: idList }).strict();

type P = { orgId: string; keyId: string };
const PENDING = 'api_key_pending';

export async function apiKeyRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const { vault } = app.deps;
  const invalidateOrg = (orgId: string) => app.deps.invalidate({ kind: 'org', orgId });

  const findKey = async (orgId: string, keyId: string) => {
    const k = await db.selectFrom('api_keys').selectAll().where('organisation_id', '=', orgId).where('id', '=', keyId).executeTakeFirst();
    if (!k) throw new GatewayError('not_found', 'API key not found');
    return k;
  };

  app.get<{ Params: { orgId: string }; Querystring: Record<string, string> }>('/organisations/:orgId/api-keys', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    const f = req.query;
    let q = db.selectFrom('api_keys').selectAll().where('organisation_id', '=', req.params.orgId);
    if (f.type) q = q.where('type', '=', f.type);
    if (f.teamId) q = q.where('team_id', '=', f.teamId);
    if (f.userId) q = q.where('user_id', '=', f.userId);
    if (f.revoked === 'true' || f.revoked === 'false') q = q.where('revoked', '=', f.revoked === 'true' ? 1 : 0);
    if (f.q) q = q.where('name', 'like', `%${f.q}%`);
    return toPage(await pageQuery(q, 'api_keys', p).execute(), p.limit, apiKeyView);
  });

  app.post<{ Params: { orgId: string } }>('/organisations/:orgId/api-keys', { config: { bodySchema: Create } }, async (req, reply) => {
    const { orgId } = req.params;
    const { operator } = await requireOrg(req, orgId, 'write');
    const body = parseBody(Create, req.body);
    // Owner rules (seed 001): ORGANISATION → neither; TEAM → teamId, no userId; USER → userId, no teamId.
    if (body.type === 'ORGANISATION') {
      if (body.teamId) throw new GatewayError('invalid_request', 'teamId is not allowed for ORGANISATION keys', { field: 'teamId' });
      if (body.userId) throw new GatewayError('invalid_request', 'userId is not allowed for ORGANISATION keys', { field: 'userId' });
    } else if (body.type === 'TEAM') {
      if (!body.teamId) throw new GatewayError('invalid_request', 'teamId is required for TEAM keys', { field: 'teamId' });
      if (body.userId) throw new GatewayError('invalid_request', 'userId is not allowed for TEAM keys', { field: 'userId' });
      const t = await db.selectFrom('teams').select('id').where('organisation_id', '=', orgId).where('id', '=', body.teamId).executeTakeFirst();
      if (!t) throw new GatewayError('invalid_request', 'teamId does not name a team of this organisation', { field: 'teamId' });
    } else {
      if (!body.userId) throw new GatewayError('invalid_request', 'userId is required for USER keys', { field: 'userId' });
      if (body.teamId) throw new GatewayError('invalid_request', 'teamId is not allowed for USER keys', { field: 'teamId' });
      const u = await db.selectFrom('users').select('id').where('organisation_id', '=', orgId).where('id', '=', body.userId).executeTakeFirst();
      if (!u) throw new GatewayError('invalid_request', 'userId does not name a user of this organisation', { field: 'userId' });
    }
    const timezone = body.timezone ?? 'UTC';
    let expiry: { utc: string; local: string } | null = null;
    if (body.expiry) {
      expiry = parseExpiry(body.expiry, timezone);
      requireFuture(expiry.utc);
    } else parseExpiry('2000-01-01T00:00', timezone); // validates the timezone alone

    const secret = generateVirtualKey();
    const keyId = randomUUID();
    const now = nowIso();
    const row: ApiKeyTable = {
      id: keyId, organisation_id: orgId, type: body.type, team_id: body.teamId ?? null, user_id: body.userId ?? null, name: body.name ?? null,
      key_hash: hashKey(secret), key_last4: secret.slice(-4),
      // Kept encrypted only until the one reveal, then erased.
      pending_secret: vault.encrypt(secret, { organisationId: orgId, recordId: keyId, purpose: PENDING }),
      expiry: expiry?.utc ?? null, expiry_local: expiry?.local ?? null, timezone, revealed: 0, revoked: 0,
      policies: JSON.stringify(body.policies ?? {}), created_by: operator.id, created_at: now, updated_at: now, last_used_at: null,
    };
    await db.insertInto('api_keys').values(row).execute();
    // A negative cache entry for this hash (someone tried the key early) must not outlive creation.
    await app.deps.invalidate({ kind: 'hash', hash: row.key_hash });
    reply.status(201);
    return apiKeyView(row);
  });

  app.get<{ Params: P }>('/organisations/:orgId/api-keys/:keyId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return apiKeyView(await findKey(req.params.orgId, req.params.keyId));
  });

  app.patch<{ Params: P }>('/organisations/:orgId/api-keys/:keyId', { config: { bodySchema: Patch } }, async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(Patch, req.body);
    const k = await findKey(orgId, keyId);
    const set: Partial<ApiKeyTable> = { updated_at: nowIso() };
    if (body.name !== undefined) set.name = body.name;
    if (body.policies !== undefined) set.policies = JSON.stringify(body.policies);
    if (body.timezone !== undefined || body.expiry !== undefined) {
      const tz = body.timezone ?? k.timezone;
      const text = body.expiry === undefined ? k.expiry_local : body.expiry;
      if (text) {
        const e = parseExpiry(text, tz);
        if (body.expiry !== undefined) requireFuture(e.utc);
        Object.assign(set, { expiry: e.utc, expiry_local: e.local });
      } else {
        parseExpiry('2000-01-01T00:00', tz);
        Object.assign(set, { expiry: null, expiry_local: null });
      }
      set.timezone = tz;
    }
    await db.updateTable('api_keys').set(set).where('id', '=', keyId).where('organisation_id', '=', orgId).execute();
    await invalidateOrg(orgId);
    return apiKeyView(await findKey(orgId, keyId));
  });

  app.delete<{ Params: P }>('/organisations/:orgId/api-keys/:keyId', async (req, reply) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    const k = await findKey(orgId, keyId);
    await db.deleteFrom('api_keys').where('id', '=', keyId).where('organisation_id', '=', orgId).execute();
    await app.deps.invalidate({ kind: 'hash', hash: k.key_hash });
    await invalidateOrg(orgId);
    reply.status(204);
  });

  app.post<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/reveal', async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    const k = await findKey(orgId, keyId);
    const already = () => new GatewayError('api_key_already_revealed', 'This API key was already revealed; only its masked value can be shown', { maskedKey: maskKey(k.key_last4) });
    if (k.revealed || !k.pending_secret) throw already();
    const secret = vault.decrypt(k.pending_secret, { organisationId: orgId, recordId: keyId, purpose: PENDING });
    // The conditional update makes reveal-once hold under concurrent reveals.
    const r = await db.updateTable('api_keys').set({ revealed: 1, pending_secret: null, updated_at: nowIso() })
      .where('id', '=', keyId).where('organisation_id', '=', orgId).where('revealed', '=', 0).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw already();
    return { key: secret, maskedKey: maskKey(k.key_last4) };
  });

  app.post<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/rotate', { config: { bodySchema: Rotate } }, async (req) => {
    const { orgId, keyId } = req.params;
    const { operator } = await requireOrg(req, orgId, 'write');
    const body = parseBody(Rotate, req.body ?? {});
    const k = await findKey(orgId, keyId);
    if (k.revoked) throw new GatewayError('conflict', 'A revoked API key cannot be rotated; unrevoke it first');
    const tz = body.timezone ?? k.timezone;
    let expiry: { utc: string; local: string } | null;
    if (body.expiry) {
      expiry = parseExpiry(body.expiry, tz);
      requireFuture(expiry.utc);
    } else if (body.expiry === null) expiry = null;
    // Not given: keep the current expiry while it lies ahead; an expired key gets none.
    // Parsing it again validates a newly given timezone and shows the instant in it.
    else expiry = k.expiry && Date.parse(k.expiry) > Date.now() ? parseExpiry(k.expiry, tz) : null;
    if (!expiry) parseExpiry('2000-01-01T00:00', tz); // validates the timezone alone
    const secret = generateVirtualKey();
    const now = nowIso();
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('api_keys').set({
        key_hash: hashKey(secret), key_last4: secret.slice(-4), pending_secret: vault.encrypt(secret, { organisationId: orgId, recordId: keyId, purpose: PENDING }),
        revealed: 0, expiry: expiry?.utc ?? null, expiry_local: expiry?.local ?? null, timezone: tz, updated_at: now,
      }).where('id', '=', keyId).where('organisation_id', '=', orgId).execute();
      await tx.insertInto('api_key_rotations').values({
        id: randomUUID(), organisation_id: orgId, api_key_id: keyId, rotated_at: now, masked_old_key: maskKey(k.key_last4),
        old_expiry: k.expiry, new_expiry: expiry?.utc ?? null, rotated_by: operator.email,
      }).execute();
    });
    await app.deps.invalidate({ kind: 'hash', hash: k.key_hash });
    await app.deps.invalidate({ kind: 'hash', hash: hashKey(secret) });
    await invalidateOrg(orgId);
    return apiKeyView(await findKey(orgId, keyId));
  });

  for (const [action, revoked] of [['revoke', 1], ['unrevoke', 0]] as const) {
    app.post<{ Params: P }>(`/organisations/:orgId/api-keys/:keyId/${action}`, async (req) => {
      const { orgId, keyId } = req.params;
      await requireOrg(req, orgId, 'write');
      const k = await findKey(orgId, keyId);
      await db.updateTable('api_keys').set({ revoked, updated_at: nowIso() }).where('id', '=', keyId).where('organisation_id', '=', orgId).execute();
      await app.deps.invalidate({ kind: 'hash', hash: k.key_hash });
      await invalidateOrg(orgId);
      return apiKeyView(await findKey(orgId, keyId));
    });
  }

  app.get<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/rotations', async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'read');
    await findKey(orgId, keyId);
    // Rotation history is short (one row per rotation): newest first, not paged.
    const rows = await db.selectFrom('api_key_rotations').selectAll().where('api_key_id', '=', keyId).where('organisation_id', '=', orgId)
      .orderBy('rotated_at', 'desc').limit(1000).execute();
    return {
      items: rows.map((r) => ({ id: r.id, rotatedAt: r.rotated_at, maskedOldKey: r.masked_old_key, oldExpiry: r.old_expiry, newExpiry: r.new_expiry, rotatedBy: r.rotated_by })),
      nextCursor: null,
    };
  });

  // Model access (Batch Add: all or nothing; every model must belong to the key's organisation).
  app.get<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/model-access', async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'read');
    await findKey(orgId, keyId);
    const p = pageParams(req.query);
    const rows = await pageQuery(db.selectFrom('models').innerJoin('api_key_model_access', 'api_key_model_access.model_id', 'models.id')
      .selectAll('models').where('api_key_model_access.api_key_id', '=', keyId).where('models.organisation_id', '=', orgId), 'models', p).execute();
    return toPage(rows, p.limit, modelView);
  });

  app.post<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/model-access', { config: { bodySchema: ModelGrant } }, async (req, reply) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(ModelGrant, req.body);
    await findKey(orgId, keyId);
    const granted = await addGrants(db, orgId, 'model', [keyId], body.modelIds, 'modelIds');
    await invalidateOrg(orgId);
    reply.status(201);
    return { granted };
  });

  app.delete<{ Params: P & { modelId: string } }>('/organisations/:orgId/api-keys/:keyId/model-access/:modelId', async (req, reply) => {
    const { orgId, keyId, modelId } = req.params;
    await requireOrg(req, orgId, 'write');
    await findKey(orgId, keyId);
    await removeGrant(db, orgId, 'model', keyId, modelId);
    await invalidateOrg(orgId);
    reply.status(204);
  });

  // MCP access: separate from model access; neither implies the other.
  app.get<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/mcp-access', async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'read');
    await findKey(orgId, keyId);
    const p = pageParams(req.query);
    const rows = await pageQuery(db.selectFrom('mcp_servers').innerJoin('api_key_mcp_access', 'api_key_mcp_access.mcp_server_id', 'mcp_servers.id')
      .selectAll('mcp_servers').where('api_key_mcp_access.api_key_id', '=', keyId).where('mcp_servers.organisation_id', '=', orgId), 'mcp_servers', p).execute();
    return toPage(rows, p.limit, mcpServerView);
  });

  app.post<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/mcp-access', { config: { bodySchema: McpGrant } }, async (req, reply) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(McpGrant, req.body);
    await findKey(orgId, keyId);
    const granted = await addGrants(db, orgId, 'mcp', [keyId], body.mcpServerIds, 'mcpServerIds');
    await invalidateOrg(orgId);
    reply.status(201);
    return { granted };
  });

  app.delete<{ Params: P & { serverId: string } }>('/organisations/:orgId/api-keys/:keyId/mcp-access/:serverId', async (req, reply) => {
    const { orgId, keyId, serverId } = req.params;
    await requireOrg(req, orgId, 'write');
    await findKey(orgId, keyId);
    await removeGrant(db, orgId, 'mcp', keyId, serverId);
    await invalidateOrg(orgId);
    reply.status(204);
  });
}
