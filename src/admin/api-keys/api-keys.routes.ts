import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { apiKeyRepo } from '../../store/repos/api-key.repo.ts';
import { grantRepo } from '../../store/repos/grant.repo.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { id, idList, pageParams, parseBody, toPage } from '../shared/validation.ts';
import { policiesField } from '../policies/policies-field.ts';
import { modelView } from '../models/models.view.ts';
import { mcpServerView } from '../mcp-servers/mcp-servers.view.ts';
import { createGrantService } from '../grants/grants.service.ts';
import { apiKeyView } from './api-keys.view.ts';
import { createApiKeyService } from './api-keys.service.ts';

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

export async function apiKeyRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const keys = createApiKeyService({ apiKeys: apiKeyRepo(db), vault: app.deps.vault, invalidate: app.deps.invalidate });
  const grants = createGrantService({ grants: grantRepo(db), invalidate: app.deps.invalidate });

  app.get<{ Params: { orgId: string }; Querystring: Record<string, string> }>('/organisations/:orgId/api-keys', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    const f = req.query;
    const revoked = f.revoked === 'true' ? true : f.revoked === 'false' ? false : undefined;
    return toPage(await keys.list(req.params.orgId, { type: f.type, teamId: f.teamId, userId: f.userId, revoked, q: f.q }, p), p.limit, apiKeyView);
  });

  app.post<{ Params: { orgId: string } }>('/organisations/:orgId/api-keys', { config: { bodySchema: Create } }, async (req, reply) => {
    const { orgId } = req.params;
    const { operator } = await requireOrg(req, orgId, 'write');
    const row = await keys.create(orgId, operator.id, parseBody(Create, req.body));
    reply.status(201);
    return apiKeyView(row);
  });

  app.get<{ Params: P }>('/organisations/:orgId/api-keys/:keyId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return apiKeyView(await keys.get(req.params.orgId, req.params.keyId));
  });

  app.patch<{ Params: P }>('/organisations/:orgId/api-keys/:keyId', { config: { bodySchema: Patch } }, async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    return apiKeyView(await keys.update(orgId, keyId, parseBody(Patch, req.body)));
  });

  app.delete<{ Params: P }>('/organisations/:orgId/api-keys/:keyId', async (req, reply) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    await keys.remove(orgId, keyId);
    reply.status(204);
  });

  app.post<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/reveal', async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    return keys.reveal(orgId, keyId);
  });

  app.post<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/rotate', { config: { bodySchema: Rotate } }, async (req) => {
    const { orgId, keyId } = req.params;
    const { operator } = await requireOrg(req, orgId, 'write');
    return apiKeyView(await keys.rotate(orgId, keyId, operator.email, parseBody(Rotate, req.body ?? {})));
  });

  for (const [action, revoked] of [['revoke', true], ['unrevoke', false]] as const) {
    app.post<{ Params: P }>(`/organisations/:orgId/api-keys/:keyId/${action}`, async (req) => {
      const { orgId, keyId } = req.params;
      await requireOrg(req, orgId, 'write');
      return apiKeyView(await keys.setRevoked(orgId, keyId, revoked));
    });
  }

  app.get<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/rotations', async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'read');
    const rows = await keys.rotations(orgId, keyId);
    return {
      items: rows.map((r) => ({ id: r.id, rotatedAt: r.rotated_at, maskedOldKey: r.masked_old_key, oldExpiry: r.old_expiry, newExpiry: r.new_expiry, rotatedBy: r.rotated_by })),
      nextCursor: null,
    };
  });

  // Model access (Batch Add: all or nothing; every model must belong to the key's organisation).
  app.get<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/model-access', async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'read');
    const p = pageParams(req.query);
    return toPage(await grants.modelsOfKey(orgId, keyId, p), p.limit, modelView);
  });

  app.post<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/model-access', { config: { bodySchema: ModelGrant } }, async (req, reply) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(ModelGrant, req.body);
    const granted = await grants.grantToKey(orgId, 'model', keyId, body.modelIds);
    reply.status(201);
    return { granted };
  });

  app.delete<{ Params: P & { modelId: string } }>('/organisations/:orgId/api-keys/:keyId/model-access/:modelId', async (req, reply) => {
    const { orgId, keyId, modelId } = req.params;
    await requireOrg(req, orgId, 'write');
    await grants.revokeFromKey(orgId, 'model', keyId, modelId);
    reply.status(204);
  });

  // MCP access: separate from model access; neither implies the other.
  app.get<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/mcp-access', async (req) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'read');
    const p = pageParams(req.query);
    return toPage(await grants.serversOfKey(orgId, keyId, p), p.limit, mcpServerView);
  });

  app.post<{ Params: P }>('/organisations/:orgId/api-keys/:keyId/mcp-access', { config: { bodySchema: McpGrant } }, async (req, reply) => {
    const { orgId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(McpGrant, req.body);
    const granted = await grants.grantToKey(orgId, 'mcp', keyId, body.mcpServerIds);
    reply.status(201);
    return { granted };
  });

  app.delete<{ Params: P & { serverId: string } }>('/organisations/:orgId/api-keys/:keyId/mcp-access/:serverId', async (req, reply) => {
    const { orgId, keyId, serverId } = req.params;
    await requireOrg(req, orgId, 'write');
    await grants.revokeFromKey(orgId, 'mcp', keyId, serverId);
    reply.status(204);
  });
}
