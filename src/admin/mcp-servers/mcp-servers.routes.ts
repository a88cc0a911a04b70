import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mcpServerRepo } from '../../store/repos/mcp-server.repo.ts';
import { grantRepo } from '../../store/repos/grant.repo.ts';
import { stdioAllowlistOf } from '../../mcp/stdio-allowlist.ts';
import { requireOperator, requireOrg } from '../auth/operator-auth.ts';
import { idList, name, pageParams, parseBody, toPage } from '../shared/validation.ts';
import { apiKeyView } from '../api-keys/api-keys.view.ts';
import { createGrantService } from '../grants/grants.service.ts';
import { mcpServerView } from './mcp-servers.view.ts';
import { createMcpServerService } from './mcp-servers.service.ts';

const TRANSPORTS = ['STREAMABLE_HTTP', 'SSE', 'STDIO'] as const;
const AUTH_TYPES = ['NONE', 'BEARER', 'BASIC', 'OAUTH2'] as const;
const slug = z.string().trim().min(1).max(100).regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes');
const toolName = z.string().min(1).max(200);
const authConfig = z.object({
  username: z.string().max(200).optional(),
  tokenUrl: z.string().max(2000).optional(),
  clientId: z.string().max(500).optional(),
  scope: z.string().max(1000).optional(),
  audience: z.string().max(1000).optional(),
}).strict();
const fields = {
  name, slug, description: z.string().max(2000).nullable().optional(), transport: z.enum(TRANSPORTS),
  endpointUrl: z.string().max(2000).nullable().optional(),
  /** STDIO: the name of a command in the deployment's allowlist (ODOCK_MCP_STDIO_ALLOWLIST). */
  stdioCommand: z.string().max(100).nullable().optional(),
  // Accepted by the parser only to be refused with a clear message (refuseOwnCommand).
  command: z.unknown().optional(), args: z.unknown().optional(), env: z.unknown().optional(),
  authType: z.enum(AUTH_TYPES).optional(), authConfig: authConfig.optional(), authSecret: z.string().min(1).max(10_000).nullable().optional(),
  enabled: z.boolean().optional(), allowedTools: z.array(toolName).max(1000).optional(), blockedTools: z.array(toolName).max(1000).optional(),
  /** Price of one tool call in USD (decimal string), counted in budgets; null or absent: free. */
  priceUsd: z.string().max(30).nullable().optional(),
};
const Create = z.object(fields).strict();
const Patch = z.object(fields).partial().strict();
const GrantKeys = z.object({ apiKeyIds: idList }).strict();

type P = { orgId: string; serverId: string };

export async function mcpServerRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const { invalidate } = app.deps;
  const servers = createMcpServerService({
    servers: mcpServerRepo(db), vault: app.deps.vault, invalidate,
    stdio: stdioAllowlistOf(app.deps.config), allowPrivateUpstreams: app.deps.config.ODOCK_ALLOW_PRIVATE_UPSTREAMS,
  });
  const grants = createGrantService({ grants: grantRepo(db), invalidate });

  // The names an organisation may choose for a STDIO server; never the commands themselves.
  app.get('/mcp/stdio-commands', async (req) => {
    requireOperator(req);
    const { configured, names } = servers.stdioCommands();
    return { configured, items: names.map((name) => ({ name })) };
  });

  app.get<{ Params: { orgId: string } }>('/organisations/:orgId/mcp-servers', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    return toPage(await servers.list(req.params.orgId, p), p.limit, mcpServerView);
  });

  app.post<{ Params: { orgId: string } }>('/organisations/:orgId/mcp-servers', { config: { bodySchema: Create } }, async (req, reply) => {
    const { orgId } = req.params;
    const { role } = await requireOrg(req, orgId, 'write');
    const row = await servers.create(orgId, role, parseBody(Create, req.body));
    reply.status(201);
    return mcpServerView(row);
  });

  app.get<{ Params: P }>('/organisations/:orgId/mcp-servers/:serverId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return mcpServerView(await servers.get(req.params.orgId, req.params.serverId));
  });

  app.patch<{ Params: P }>('/organisations/:orgId/mcp-servers/:serverId', { config: { bodySchema: Patch } }, async (req) => {
    const { orgId, serverId } = req.params;
    const { role } = await requireOrg(req, orgId, 'write');
    return mcpServerView(await servers.update(orgId, role, serverId, parseBody(Patch, req.body)));
  });

  app.delete<{ Params: P }>('/organisations/:orgId/mcp-servers/:serverId', async (req, reply) => {
    const { orgId, serverId } = req.params;
    await requireOrg(req, orgId, 'write');
    await servers.remove(orgId, serverId);
    reply.status(204);
  });

  // The same grants as a key's MCP Access tab, seen from the server.
  app.get<{ Params: P }>('/organisations/:orgId/mcp-servers/:serverId/api-keys', async (req) => {
    const { orgId, serverId } = req.params;
    await requireOrg(req, orgId, 'read');
    const p = pageParams(req.query);
    return toPage(await grants.keysOfTarget(orgId, 'mcp', serverId, p), p.limit, apiKeyView);
  });

  app.post<{ Params: P }>('/organisations/:orgId/mcp-servers/:serverId/api-keys', { config: { bodySchema: GrantKeys } }, async (req, reply) => {
    const { orgId, serverId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(GrantKeys, req.body);
    const granted = await grants.grantToTarget(orgId, 'mcp', serverId, body.apiKeyIds);
    reply.status(201);
    return { granted };
  });
}
