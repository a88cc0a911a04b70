import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { isUniqueViolation, nowIso } from '../../store/db.ts';
import type { McpServerTable } from '../../store/schema.ts';
import type { PageParams } from '../../store/repos/paging.ts';
import type { McpServerRepo } from '../../store/repos/mcp-server.repo.ts';
import type { Vault } from '../../crypto/envelope.ts';
import { assertSafeBaseUrl } from '../../upstream/ssrf-guard.ts';
import { STDIO_NAME, stdioNameOf, storedStdioCommand, type StdioAllowlist } from '../../mcp/stdio-allowlist.ts';
import type { Role } from '../auth/operator-auth.ts';
import type { Invalidate } from '../shared/service-deps.ts';
import { parseUsd } from '../../budgets/money.ts';

/** A tool call's price in nano-USD (budgets count it); null or an empty string: free. */
function toolPrice(text: string | null): number {
  if (text === null || text.trim() === '') return 0;
  const n = parseUsd(text);
  if (n === null) throw new GatewayError('invalid_request', 'priceUsd must be a non-negative decimal string such as "0.002"', { field: 'priceUsd' });
  return n;
}

type Transport = 'STREAMABLE_HTTP' | 'SSE' | 'STDIO';
type AuthType = 'NONE' | 'BEARER' | 'BASIC' | 'OAUTH2';
/** A create or patch body as parsed (a patch leaves out what it does not change). */
export interface McpServerInput {
  name?: string; slug?: string; description?: string | null; transport?: Transport; endpointUrl?: string | null; stdioCommand?: string | null;
  command?: unknown; args?: unknown; env?: unknown;
  authType?: AuthType; authConfig?: { username?: string; tokenUrl?: string; clientId?: string; scope?: string; audience?: string };
  authSecret?: string | null; enabled?: boolean; allowedTools?: string[]; blockedTools?: string[]; priceUsd?: string | null;
}
type Body = McpServerInput;

export interface McpServerServiceDeps {
  servers: Pick<McpServerRepo, 'listPage' | 'find' | 'insert' | 'replace' | 'delete'>;
  vault: Pick<Vault, 'encrypt'>;
  invalidate: Invalidate;
  /** The deployment's STDIO commands (ODOCK_MCP_STDIO_ALLOWLIST). */
  stdio: StdioAllowlist;
  /** ODOCK_ALLOW_PRIVATE_UPSTREAMS: endpoints may name private addresses. */
  allowPrivateUpstreams: boolean;
}

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

/**
 * MCP servers of an organisation: transport and auth coherence, SSRF-guarded endpoints, STDIO
 * commands only from the deployment's allowlist, credentials encrypted and bound to the record.
 */
export function createMcpServerService({ servers, vault, invalidate, stdio, allowPrivateUpstreams: allowPrivate }: McpServerServiceDeps) {
  const invalidateOrg = (orgId: string) => invalidate({ kind: 'org', orgId });

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
    if (body.priceUsd !== undefined) row.price_nano_usd = toolPrice(body.priceUsd);
    validate(row, body);
    return row;
  };

  const conflict = (e: unknown, s: string) => (isUniqueViolation(e) ? new GatewayError('conflict', `An MCP server with slug '${s}' already exists`, { field: 'slug' }) : e);

  const get = async (orgId: string, serverId: string): Promise<McpServerTable> => {
    const s = await servers.find(orgId, serverId);
    if (!s) throw new GatewayError('not_found', 'MCP server not found');
    return s;
  };

  return {
    get,
    list: (orgId: string, p: PageParams) => servers.listPage(orgId, p),

    /** The names an organisation may choose for a STDIO server; never the commands themselves. */
    stdioCommands: () => ({ configured: stdio.configured, names: [...stdio.entries.keys()].sort() }),

    async create(orgId: string, role: Role, body: Body & { name: string; slug: string; transport: Transport }): Promise<McpServerTable> {
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
        await servers.insert(row);
      } catch (e) {
        throw conflict(e, body.slug);
      }
      await invalidateOrg(orgId);
      return row;
    },

    async update(orgId: string, role: Role, serverId: string, body: Body): Promise<McpServerTable> {
      refuseOwnCommand(body);
      const before = await get(orgId, serverId);
      const row = apply({ ...before, updated_at: nowIso() }, body);
      guardDestinations(role, before, row);
      try {
        await servers.replace(row);
      } catch (e) {
        throw conflict(e, row.slug);
      }
      await invalidateOrg(orgId);
      return row;
    },

    async remove(orgId: string, serverId: string): Promise<void> {
      await get(orgId, serverId);
      await servers.delete(orgId, serverId);
      await invalidateOrg(orgId);
    },
  };
}
export type McpServerService = ReturnType<typeof createMcpServerService>;
