import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PROVIDER_TYPES } from '../../providers/provider-types.ts';
import { providerRepo } from '../../store/repos/provider.repo.ts';
import { providerKeyRepo } from '../../store/repos/provider-key.repo.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { name, pageParams, parseBody, toPage } from '../shared/validation.ts';
import { providerKeyView, providerView } from './providers.view.ts';
import { createProviderService } from './providers.service.ts';

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

type P = { orgId: string; providerId: string };

export async function providerRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const providers = createProviderService({
    providers: providerRepo(db), providerKeys: providerKeyRepo(db), vault: app.deps.vault, invalidate: app.deps.invalidate,
    allowPrivateUpstreams: app.deps.config.ODOCK_ALLOW_PRIVATE_UPSTREAMS,
  });

  app.get<{ Params: { orgId: string } }>('/organisations/:orgId/providers', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const types = await providers.listTypes(req.params.orgId);
    return {
      items: types.map(({ type, info, provider }) => ({
        type, displayName: info.displayName, family: info.family, defaultBaseUrl: info.defaultBaseUrl, active: !!provider, provider: provider ? providerView(provider) : null,
      })),
      nextCursor: null,
    };
  });

  app.post<{ Params: { orgId: string } }>('/organisations/:orgId/providers', { config: { bodySchema: Activate } }, async (req, reply) => {
    const { orgId } = req.params;
    const { role } = await requireOrg(req, orgId, 'write');
    const row = await providers.activate(orgId, role, parseBody(Activate, req.body));
    reply.status(201);
    return providerView(row);
  });

  app.get<{ Params: P }>('/organisations/:orgId/providers/:providerId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return providerView(await providers.get(req.params.orgId, req.params.providerId));
  });

  app.patch<{ Params: P }>('/organisations/:orgId/providers/:providerId', { config: { bodySchema: Patch } }, async (req) => {
    const { orgId, providerId } = req.params;
    const { role } = await requireOrg(req, orgId, 'write');
    return providerView(await providers.update(orgId, role, providerId, parseBody(Patch, req.body)));
  });

  app.delete<{ Params: P }>('/organisations/:orgId/providers/:providerId', async (req, reply) => {
    const { orgId, providerId } = req.params;
    await requireOrg(req, orgId, 'write');
    await providers.remove(orgId, providerId);
    reply.status(204);
  });

  app.get<{ Params: P }>('/organisations/:orgId/providers/:providerId/keys', async (req) => {
    const { orgId, providerId } = req.params;
    await requireOrg(req, orgId, 'read');
    const p = pageParams(req.query);
    return toPage(await providers.listKeys(orgId, providerId, p), p.limit, providerKeyView);
  });

  app.post<{ Params: P }>('/organisations/:orgId/providers/:providerId/keys', { config: { bodySchema: KeyCreate } }, async (req, reply) => {
    const { orgId, providerId } = req.params;
    await requireOrg(req, orgId, 'write');
    const row = await providers.addKey(orgId, providerId, parseBody(KeyCreate, req.body));
    reply.status(201);
    return providerKeyView(row);
  });

  app.post<{ Params: P & { keyId: string } }>('/organisations/:orgId/providers/:providerId/keys/:keyId/revoke', async (req) => {
    const { orgId, providerId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    return providerKeyView(await providers.revokeKey(orgId, providerId, keyId));
  });

  app.delete<{ Params: P & { keyId: string } }>('/organisations/:orgId/providers/:providerId/keys/:keyId', async (req, reply) => {
    const { orgId, providerId, keyId } = req.params;
    await requireOrg(req, orgId, 'write');
    await providers.removeKey(orgId, providerId, keyId);
    reply.status(204);
  });
}
