import { performance } from 'node:perf_hooks';
import { GatewayError } from '../../errors/index.ts';
import { toGatewayError } from '../../errors/to-gateway-error.ts';
import type { OrgRoutes, McpServerRoute } from '../../access/org-routes.ts';
import { OrgAgents } from '../../upstream/org-agents.ts';
import { readBody } from '../../upstream/client.ts';
import { UpstreamAuth } from '../../mcp/upstream-auth.ts';
import { contentTypeOf, headerOf, upstreamFetch, type UpstreamRes } from '../../mcp/upstream-http.ts';
import { SseBlockSplitter } from '../../mcp/sse-blocks.ts';
import { toolRulesFor } from '../../mcp/tool-rules.ts';
import { SseChannel } from '../../mcp/bridge/sse-channel.ts';
import type { Channel } from '../../mcp/bridge/channel.ts';
import type { RpcMessage } from '../../mcp/jsonrpc.ts';
import type { TryOutResult } from './provider-key-test.service.ts';

const PROTOCOL_VERSION = '2025-06-18';
const TEST_TIMEOUT_MS = 15_000;
const MAX_BODY = 4 * 1024 * 1024;
const MAX_PAGES = 10;

export interface DiscoveredTool { name: string; description: string; usable: boolean }

/**
 * "Test connection" for an MCP server: initialize, then tools/list (every page), with the
 * server's own upstream auth, through the MCP gateway's HTTP code (streamable HTTP here, legacy
 * SSE through the bridge's SseChannel; STDIO children are not started for a test) (SSRF guard on the endpoint
 * and at connect time, no redirects, 401/403 → mcp_auth_error without relaying the upstream's
 * text). Each test gets its own short-lived pool and token cache, closed afterwards, so it
 * never holds the gateway's connections. Errors come back as `{ok:false, error}` with a
 * catalogued code; credentials never appear in them.
 */
export function createMcpServerTester(deps: { orgRoutes: Pick<OrgRoutes, 'get'>; allowPrivate: boolean }) {
  return async (orgId: string, serverId: string): Promise<TryOutResult<{ latencyMs: number; serverName: string | null; tools: DiscoveredTool[] }>> => {
    const route = (await deps.orgRoutes.get(orgId)).mcpById.get(serverId);
    if (!route) throw new GatewayError('not_found', 'MCP server not found');
    if (route.transport === 'STDIO') {
      return { ok: false, error: { code: 'invalid_request', message: 'STDIO servers start on first use by a client; connect an MCP client through /v1/mcp to try this one' } };
    }
    const agents = new OrgAgents({ allowPrivate: deps.allowPrivate, connectionsPerOrigin: 2 });
    const auth = new UpstreamAuth(deps.allowPrivate);
    const session: RpcSession = route.transport === 'SSE'
      ? new ChannelSession(new SseChannel(agents.for(orgId), auth, route, deps.allowPrivate))
      : new TestSession(route, agents, auth, deps.allowPrivate, orgId);
    const t0 = performance.now();
    try {
      const init = await session.request('initialize', { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'odock-connection-test', version: '1' } }) as { serverInfo?: { name?: unknown } };
      await session.notify('notifications/initialized');
      const tools: DiscoveredTool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = await session.request('tools/list', cursor ? { cursor } : {}) as { tools?: Array<{ name?: unknown; description?: unknown }>; nextCursor?: unknown };
        for (const t of r.tools ?? []) if (typeof t.name === 'string') tools.push({ name: t.name, description: typeof t.description === 'string' ? t.description.slice(0, 300) : '', usable: false });
        cursor = typeof r.nextCursor === 'string' && r.nextCursor ? r.nextCursor : undefined;
        if (!cursor) break;
      }
      // What a client of the gateway would see of each tool under the server's current rules.
      const rules = toolRulesFor(route);
      for (const t of tools) t.usable = rules.permits(t.name);
      return { ok: true, latencyMs: Math.round(performance.now() - t0), serverName: typeof init.serverInfo?.name === 'string' ? init.serverInfo.name.slice(0, 200) : null, tools };
    } catch (e) {
      const ge = toGatewayError(e);
      return { ok: false, error: { code: ge.code === 'internal_error' ? 'mcp_upstream_error' : ge.code, message: ge.code === 'internal_error' ? 'The MCP server could not be reached' : ge.message } };
    } finally {
      await session.close();
      await agents.close();
    }
  };
}

interface RpcSession {
  request(method: string, params: unknown): Promise<unknown>;
  notify(method: string): Promise<void>;
  close(): Promise<void>;
}

/** The answer to request `id` out of a JSON-RPC message, or an error naming the method. */
function answerOf(msg: RpcMessage, id: number, method: string): { done: boolean; result?: unknown } {
  const m = msg as { id?: unknown; result?: unknown; error?: { message?: unknown } };
  if (m.id !== id) return { done: false };
  if (m.error) throw new GatewayError('mcp_upstream_error', `The MCP server answered ${method} with an error: ${String(m.error.message ?? 'unknown').slice(0, 200)}`);
  return { done: true, result: m.result ?? {} };
}

/** Legacy HTTP+SSE upstreams, through the bridge's own channel (answers arrive on the event stream). */
class ChannelSession implements RpcSession {
  private nextId = 1;
  private started = false;
  private readonly waiting = new Map<number, (msg: RpcMessage) => void>();
  private ended: string | undefined;

  constructor(private readonly channel: Channel) {
    channel.onmessage = (msg) => this.waiting.get((msg as { id?: number }).id as number)?.(msg);
    channel.onclose = (reason) => {
      this.ended = reason;
      for (const w of this.waiting.values()) w({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'closed' } } as unknown as RpcMessage);
    };
  }

  async request(method: string, params: unknown): Promise<unknown> {
    if (!this.started) {
      await this.channel.start();
      this.started = true;
    }
    const id = this.nextId++;
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new GatewayError('mcp_upstream_error', `The MCP server did not answer ${method} in time`)), TEST_TIMEOUT_MS);
      this.waiting.set(id, (msg) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        if (this.ended) return reject(new GatewayError('mcp_upstream_error', 'The MCP server closed its event stream'));
        try {
          resolve(answerOf(msg, id, method).result);
        } catch (e) {
          reject(e);
        }
      });
    });
    await this.channel.send({ jsonrpc: '2.0', id, method, params } as RpcMessage);
    return answer;
  }

  async notify(method: string): Promise<void> {
    await this.channel.send({ jsonrpc: '2.0', method } as RpcMessage);
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => {});
  }
}

/** A minimal streamable-HTTP client session: JSON or SSE answers, the upstream's session id kept. */
class TestSession implements RpcSession {
  private sid: string | undefined;
  private nextId = 1;
  private readonly signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
  constructor(private readonly route: McpServerRoute, private readonly agents: OrgAgents, private readonly auth: UpstreamAuth, private readonly allowPrivate: boolean, private readonly orgId: string) {}

  private send(method: 'POST' | 'DELETE', body?: unknown): Promise<UpstreamRes> {
    const headers: Record<string, string> = method === 'POST' ? { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } : {};
    if (this.sid) Object.assign(headers, { 'mcp-session-id': this.sid, 'mcp-protocol-version': PROTOCOL_VERSION });
    return upstreamFetch(this.agents.for(this.orgId), this.auth, this.route, this.allowPrivate, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: this.signal, bodyTimeoutMs: TEST_TIMEOUT_MS,
    });
  }

  async request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    const res = await this.send('POST', { jsonrpc: '2.0', id, method, params });
    this.sid ??= headerOf(res, 'mcp-session-id');
    const text = (await readBody(res.body, MAX_BODY)).toString('utf8');
    if (res.statusCode >= 400) throw new GatewayError('mcp_upstream_error', `The MCP server refused ${method} (HTTP ${res.statusCode})`);
    const messages = contentTypeOf(res) === 'text/event-stream'
      ? new SseBlockSplitter().push(Buffer.from(`${text}\n\n`)).flatMap((b) => (b.data ? [b.data] : []))
      : [text];
    for (const m of messages) {
      let msg: RpcMessage;
      try {
        msg = JSON.parse(m);
      } catch {
        continue;
      }
      const a = answerOf(msg, id, method);
      if (a.done) return a.result;
    }
    throw new GatewayError('mcp_upstream_error', `The MCP server sent no answer to ${method}`);
  }

  async notify(method: string): Promise<void> {
    const res = await this.send('POST', { jsonrpc: '2.0', method });
    res.body.on('error', () => {});
    await res.body.dump().catch(() => {});
  }

  async close(): Promise<void> {
    if (!this.sid) return;
    try {
      const res = await this.send('DELETE');
      await res.body.dump().catch(() => {});
    } catch {
      // Ending the upstream session is a courtesy; the server expires it anyway.
    }
  }
}
