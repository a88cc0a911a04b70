import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AdminClient } from '../helpers/admin-client.ts';
import { joinByInvitation } from '../helpers/invite.ts';
import { waitFor, type TestOdock } from '../helpers/odock.ts';

export interface McpKey {
  keyId: string;
  secret: string;
}

/** An organisation's admin view, for creating MCP servers, keys and grants. */
export class McpAdmin {
  constructor(readonly admin: AdminClient, readonly orgId: string) {}

  static async forDefaultOrg(odock: TestOdock): Promise<McpAdmin> {
    const admin = await AdminClient.login(odock.url);
    return new McpAdmin(admin, await admin.defaultOrgId());
  }

  get base(): string {
    return `/api/organisations/${this.orgId}`;
  }

  /** A second organisation, administered by the same super-admin. */
  async otherOrg(name = `other-${Math.random().toString(36).slice(2, 8)}`): Promise<McpAdmin> {
    const org = await this.admin.ok('POST', '/api/organisations', { name });
    return new McpAdmin(this.admin, org.id);
  }

  /**
   * Another operator of this organisation with the given role, logged in. (The one place that
   * knows how operators are added: adapt here if that changes.)
   */
  async asRole(role: 'admin' | 'manager' | 'member'): Promise<AdminClient> {
    const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.test`;
    return joinByInvitation(this.admin, this.orgId, { email, role, password: `${role}-password-123` });
  }

  async server(body: Record<string, unknown>): Promise<{ id: string; slug: string }> {
    return this.admin.ok('POST', `${this.base}/mcp-servers`, { name: body.slug, ...body });
  }

  async patchServer(id: string, body: Record<string, unknown>): Promise<void> {
    await this.admin.ok('PATCH', `${this.base}/mcp-servers/${id}`, body);
  }

  /** A new ORGANISATION key, revealed; granted the given MCP servers (none: no grant at all). */
  async key(mcpServerIds: string[] = []): Promise<McpKey> {
    const k = await this.admin.ok('POST', `${this.base}/api-keys`, { type: 'ORGANISATION', name: `mcp-test-${Math.random().toString(36).slice(2, 10)}` });
    if (mcpServerIds.length) await this.admin.ok('POST', `${this.base}/api-keys/${k.id}/mcp-access`, { mcpServerIds });
    const { key } = await this.admin.ok('POST', `${this.base}/api-keys/${k.id}/reveal`);
    return { keyId: k.id, secret: key };
  }

  async revoke(keyId: string): Promise<void> {
    await this.admin.ok('POST', `${this.base}/api-keys/${keyId}/revoke`);
  }

  /** MCP usage records of the organisation, waiting until at least `atLeast` are written. */
  async usage(query = '', atLeast = 1): Promise<any[]> {
    let items: any[] = [];
    await waitFor(async () => {
      const r = await this.admin.ok('GET', `${this.base}/usage/mcp?limit=200${query ? `&${query}` : ''}`);
      items = r.items;
      return items.length >= atLeast;
    }, 5000, 50);
    return items;
  }
}

/** The official SDK client over streamable HTTP, with the virtual key in Authorization. */
export async function connectClient(odock: TestOdock, slugOrId: string, secret: string, extraHeaders: Record<string, string> = {}): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${odock.url}/v1/mcp/${slugOrId}`), {
    requestInit: { headers: { Authorization: `Bearer ${secret}`, ...extraHeaders } },
  });
  const client = new Client({ name: 'odock-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** Every page of tools/list, as the client sees them. */
export async function allToolNames(client: Client): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    names.push(...page.tools.map((t) => t.name));
    cursor = page.nextCursor;
  } while (cursor);
  return names;
}

/** A raw JSON-RPC POST to the gateway (for what the SDK client will not send). */
export async function rawPost(odock: TestOdock, slugOrId: string, secret: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const res = await fetch(`${odock.url}/v1/mcp/${slugOrId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    // An SSE answer: the data of its message events.
    json = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
    if (json.length === 1) json = json[0];
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const INIT = {
  jsonrpc: '2.0', id: 0, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};
