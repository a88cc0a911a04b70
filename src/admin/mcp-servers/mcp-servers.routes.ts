import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';
import { isUniqueViolation, nowIso } from '../store/db.ts';
import type { McpServerTable } from '../store/schema.ts';
import { assertSafeBaseUrl } from '../upstream/ssrf-guard.ts';
import { requireOperator, requireOrg, type Role } from './operator-auth.ts';
import { STDIO_NAME, stdioAllowlistOf, stdioNameOf, storedStdioCommand } from '../surfaces/mcp/stdio-allowlist.ts';
import { idList, name, pageParams, parseBody, toPage } from './validation.ts';
import { pageQuery } from './paging.sql.ts';
import { mcpServerView } from './mcp-servers.view.ts';
import { apiKeyView } from './api-keys.view.ts';
import { addGrants } from './grants.ts';

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
};
const Create = z.object(fields).strict();
const Patch = z.object(fields).partial().strict();
const GrantKeys = z.object({ apiKeyIds: idList }).strict();

type P = { orgId: string; serverId: string };
type Body = z.infer<typeof Patch>;

/** No organisation role supplies what runs on the gateway host: only the deployment's allowlist does. */
function refuseOwnCommand(body: Body): void {
  for (const f of ['command', 'args', 'env'] as const) {
    if (f in body) {
      throw new GatewayError('invalid_request', `${f} cannot be set: STDIO servers run only commands from the deployment's allowlist; choose one by name with stdioCommand`, { field: f });
    }
  }
}

/**
 * Where a stored secret is sent (endpoint, OAuth2 token endpoint, the STDIO command that gets
 * the server's environment) is for admins only: a manager could otherwise point it at a host
 * they control and receive the credential an admin entered. Unchanged values are fine, so a
 * manager can still edit other fields of a form that sends everything back.
 */
function guardDestinations(role: Role, before: McpServerTable, after: McpServerTable): void {
  if (role === 'admin') return;
  const tokenUrl = (r: McpServerTable) => (JSON.parse(r.auth_config) as { tokenUrl?: string }).tokenUrl ?? null;
  const changed: Array<[string, boolean]> = [
    ['endpointUrl', after.endpoint_url !== before.endpoint_url],
    ['authConfig.tokenUrl', tokenUrl(after) !== tokenUrl(before)],
    ['stdioCommand', after.command !== before.command],
  ];
  for (const [field, differs] of changed) {
    if (differs) throw new GatewayError('forbidden', `Your role (${role}) cannot set ${field}: where an MCP server's credentials are sent is for admins`, { field });
  }
}

export async function mcpServerRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const { vault } = app.deps;
  const allowPrivate = app.deps.config.ODOCK_ALLOW_PRIVATE_UPSTREAMS;
  const invalidateOrg = (orgId: string) => app.deps.invalidate({ kind: 'org', orgId });
  const stdio = stdioAllowlistOf(app.deps.config);

  /** Checks the merged record is coherent for its transport and auth type. */
  const validate = (s: McpServerTable, body: Body) => {
    if (s.transport === 'STDIO') {
      // Checked when transport or command is being set; a row from before the allowlist can still
      // be renamed, disabled or deleted (it is never started).
      if (body.transport !== undefined || body.stdioCommand !== undefined) {
        if (!stdio.configured) {
          throw new GatewayError('invalid_request', 'STDIO MCP servers are disabled: this deployment defines no STDIO commands (ODOCK_MCP_STDIO_ALLOWLIST)', { field: 'transport' });
        }
        const name = stdioNameOf(s.command);
        if (!name) throw new GatewayError('invalid_request', 'stdioCommand is required for STDIO servers: the name of a command in the deployment\'s allowlist', { field: 'stdioCommand' });
        if (!stdio.entries.has(name)) throw new GatewayError('invalid_request', `stdioCommand '${name}' is not in the deployment's allowlist`, { field: 'stdioCommand' });
      }
    } else {
      if (body.stdioCommand) throw new GatewayError('invalid_request', 'stdioCommand is only for STDIO servers', { field: 'stdioCommand' });
      if (!s.endpoint_url) throw new GatewayError('invalid_request', `endpointUrl is required for ${s.transport} servers`, { field: 'endpointUrl' });
      s.endpoint_url = assertSafeBaseUrl(s.endpoint_url, allowPrivate, 'endpointUrl');
    }
    const cfg = JSON.parse(s.auth_config) as Record<string, string>;
    if (s.auth_type !== 'NONE' && !s.auth_ciphertext) throw new GatewayError('invalid_request', `authSecret is required for ${s.auth_type} auth`, { field: 'authSecret' });
    if (s.auth_type === 'BASIC' && !cfg.username) throw new GatewayError('invalid_request', 'authConfig.username is required for BASIC auth', { field: 'authConfig.username' });
    if (s.auth_type === 'OAUTH2') {
      if (!cfg.tokenUrl) throw new GatewayError('invalid_request', 'authConfig.tokenUrl is required for OAUTH2 auth', { field: 'authConfig.tokenUrl' });
      if (!cfg.clientId) throw new GatewayError('invalid_request', 'authConfig.clientId is required for OAUTH2 auth', { field: 'authConfig.clientId' });
      assertSafeBaseUrl(cfg.tokenUrl, allowPrivate, 'authConfig.tokenUrl');
    }
  };

  const apply = (row: McpServerTable, body: Body) => {
    const ctx = (purpose: string) => ({ organisationId: row.organisation_id, recordId: row.id, purpose });
    if (body.name !== undefined) row.name = body.name;
    if (body.slug !== undefined) row.slug = body.slug;
    if (body.description !== undefined) row.description = body.description;
    if (body.transport !== undefined) {
      // Leaving STDIO drops the command, so an HTTP server never carries a name it does not use.
      if (row.transport === 'STDIO' && body.transport !== 'STDIO') Object.assign(row, { command: null, args: '[]', env_ciphertext: null });
      row.transport = body.transport;
    }
    if (body.endpointUrl !== undefined) row.endpoint_url = body.endpointUrl;
    if (body.stdioCommand !== undefined) {
      const n = body.stdioCommand?.trim() || null;
      if (n !== null && !STDIO_NAME.test(n)) throw new GatewayError('invalid_request', `stdioCommand '${n.slice(0, 100)}' is not in the deployment's allowlist`, { field: 'stdioCommand' });
      // A chosen name replaces whatever a row from before the allowlist held.
      row.command = n === null ? null : storedStdioCommand(n);
      row.args = '[]';
      row.env_ciphertext = null;
    }
    if (body.authType !== undefined) row.auth_type = body.authType;
    if (body.authConfig !== undefined) row.auth_config = JSON.stringify(body.authConfig);
    if (body.authSecret !== undefined) row.auth_ciphertext = body.authSecret ? vault.encrypt(body.authSecret, ctx('mcp_auth')) : null;
    if (body.authType === 'NONE') row.auth_ciphertext = null;
    if (body.enabled !== undefined) row.enabled = body.enabled ? 1 : 0;
    if (body.allowedTools !== undefined) row.allowed_tools = JSON.stringify(body.allowedTools);
    if (body.blockedTools !== undefined) row.blocked_tools = JSON.stringify(body.blockedTools);
    validate(row, body);
    return row;
  };

  const conflict = (e: unknown, s: string) => (isUniqueViolation(e) ? new GatewayError('conflict', `An MCP server with slug '${s}' already exists`, { field: 'slug' }) : e);

  const findServer = async (orgId: string, serverId: string) => {
    const s = await db.selectFrom('mcp_servers').selectAll().where('organisation_id', '=', orgId).where('id', '=', serverId).executeTakeFirst();
    if (!s) throw new GatewayError('not_found', 'MCP server not found');
    return s;
  };

  // The names an organisation may choose for a STDIO server; never the commands themselves.
  app.get('/mcp/stdio-commands', async (req) => {
    requireOperator(req);
    return { configured: stdio.configured, items: [...stdio.entries.keys()].sort().map((name) => ({ name })) };
  });

  app.get<{ Params: { orgId: string } }>('/organisations/:orgId/mcp-servers', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    return toPage(await pageQuery(db.selectFrom('mcp_servers').selectAll().where('organisation_id', '=', req.params.orgId), 'mcp_servers', p).execute(), p.limit, mcpServerView);
  });

  app.post<{ Params: { orgId: string } }>('/organisations/:orgId/mcp-servers', { config: { bodySchema: Create } }, async (req, reply) => {
    const { orgId } = req.params;
    const { role } = await requireOrg(req, orgId, 'write');
    const body = parseBody(Create, req.body);
    refuseOwnCommand(body);
    const now = nowIso();
    const blank: McpServerTable = {
      id: randomUUID(), organisation_id: orgId, name: body.name, slug: body.slug, description: null, transport: body.transport, endpoint_url: null,
      command: null, args: '[]', env_ciphertext: null, auth_type: 'NONE', auth_config: '{}', auth_ciphertext: null, enabled: 1,
      allowed_tools: '[]', blocked_tools: '[]', created_at: now, updated_at: now,
    };
    const row = apply({ ...blank }, body);
    guardDestinations(role, blank, row);
    try {
      await db.insertInto('mcp_servers').values(row).execute();
    } catch (e) {
      throw conflict(e, body.slug);
    }
    await invalidateOrg(orgId);
    reply.status(201);
    return mcpServerView(row);
  });

  app.get<{ Params: P }>('/organisations/:orgId/mcp-servers/:serverId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return mcpServerView(await findServer(req.params.orgId, req.params.serverId));
  });

  app.patch<{ Params: P }>('/organisations/:orgId/mcp-servers/:serverId', { config: { bodySchema: Patch } }, async (req) => {
    const { orgId, serverId } = req.params;
    const { role } = await requireOrg(req, orgId, 'write');
    const body = parseBody(Patch, req.body);
    refuseOwnCommand(body);
    const before = await findServer(orgId, serverId);
    const row = apply({ ...before, updated_at: nowIso() }, body);
    guardDestinations(role, before, row);
    try {
      const { id: _id, organisation_id: _o, created_at: _c, ...set } = row;
      await db.updateTable('mcp_servers').set(set).where('id', '=', serverId).where('organisation_id', '=', orgId).execute();
    } catch (e) {
      throw conflict(e, row.slug);
    }
    await invalidateOrg(orgId);
    return mcpServerView(row);
  });

  app.delete<{ Params: P }>('/organisations/:orgId/mcp-servers/:serverId', async (req, reply) => {
    const { orgId, serverId } = req.params;
    await requireOrg(req, orgId, 'write');
    await findServer(orgId, serverId);
    await db.deleteFrom('mcp_servers').where('id', '=', serverId).where('organisation_id', '=', orgId).execute();
    await invalidateOrg(orgId);
    reply.status(204);
  });

  app.get<{ Params: P }>('/organisations/:orgId/mcp-servers/:serverId/api-keys', async (req) => {
    const { orgId, serverId } = req.params;
    await requireOrg(req, orgId, 'read');
    await findServer(orgId, serverId);
    const p = pageParams(req.query);
    const rows = await pageQuery(db.selectFrom('api_keys').innerJoin('api_key_mcp_access', 'api_key_mcp_access.api_key_id', 'api_keys.id')
      .selectAll('api_keys').where('api_key_mcp_access.mcp_server_id', '=', serverId).where('api_keys.organisation_id', '=', orgId), 'api_keys', p).execute();
    return toPage(rows, p.limit, apiKeyView);
  });

  app.post<{ Params: P }>('/organisations/:orgId/mcp-servers/:serverId/api-keys', { config: { bodySchema: GrantKeys } }, async (req, reply) => {
    const { orgId, serverId } = req.params;
    await requireOrg(req, orgId, 'write');
    const body = parseBody(GrantKeys, req.body);
    await findServer(orgId, serverId);
    const granted = await addGrants(db, orgId, 'mcp', body.apiKeyIds, [serverId], 'apiKeyIds');
    await invalidateOrg(orgId);
    reply.status(201);
    return { granted };
  });
}
