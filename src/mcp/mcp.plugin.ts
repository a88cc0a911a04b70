import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../context.ts';
import { GatewayError } from '../errors/index.ts';
import { toGatewayError } from '../errors/to-gateway-error.ts';
import { extractCredential } from '../auth/credentials.ts';
import type { McpServerRoute, OrgRouteTable } from '../access/org-routes.ts';
import { CallLog } from './call-log.ts';
import { parseRpcBody, toolOf, type RpcId } from './jsonrpc.ts';
import { McpGateway } from './mcp-gateway.ts';
import type { McpCall, ParsedPost } from './mcp-call.ts';
import { proxyHttp } from './http-proxy.ts';
import { proxyBridge } from './bridge-proxy.ts';
import { toolRulesFor } from './tool-rules.ts';
import { ClientGone } from './upstream-http.ts';
import { scopesOf } from '../gateway/policy-gate.ts';
import { gatewayAuthHook } from '../gateway/gateway-auth.ts';
import { jsonDepthExceeds, tooDeepError } from '../surfaces/json-body.ts';
import type { PolicyHandle } from '../policy/index.ts';
import { reserveToolCalls, settleToolCalls, type ToolCallBudget } from './mcp-budget.ts';

/**
 * `GET|POST|DELETE /v1/mcp/{slugOrId}`: the MCP gateway (streamable HTTP, MCP 2025-03-26 and
 * 2025-06-18). In the order product.md gives: Origin → key (on every request, so a revoked key
 * is cut off mid-session) → server by id or slug within the key's organisation, enabled →
 * explicit MCP grant → session → tool rules → upstream with the server's own credentials →
 * one usage record per JSON-RPC message.
 */
const gateways = new WeakMap<AppDeps, McpGateway>();

/** The MCP gateway of an app (STDIO child ids, open sessions): for operators' tooling and tests. */
export function mcpGatewayOf(deps: AppDeps): McpGateway | undefined {
  return gateways.get(deps);
}

export function mcpRoutes({ deps }: { deps: AppDeps }) {
  return async (app: FastifyInstance) => {
    const mcp = new McpGateway(deps);
    gateways.set(deps, mcp);
    // preClose: open streams and STDIO children end before the HTTP server waits for its connections.
    app.addHook('preClose', async () => mcp.close());

    // The key is checked before the body is read at all (an unauthenticated body is never parsed).
    app.addHook('onRequest', gatewayAuthHook(deps, { gemini: false }));
    // The body is kept as bytes: it is parsed here, after authentication, and never echoed raw.
    app.removeAllContentTypeParsers();
    const maxDepth = deps.config.MAX_JSON_DEPTH;
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => (jsonDepthExceeds(body as Buffer, maxDepth) ? done(tooDeepError(maxDepth), undefined) : done(null, body)));

    app.route<{ Params: { target: string } }>({
      method: ['GET', 'POST', 'DELETE'],
      url: '/:target',
      config: { surface: 'mcp' },
      handler: (req, reply) => handle(mcp, deps, req, reply),
    });
  };
}

async function handle(mcp: McpGateway, deps: AppDeps, req: FastifyRequest<{ Params: { target: string } }>, reply: FastifyReply): Promise<void> {
  const log = new CallLog(req.id);
  const ac = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) ac.abort();
  };
  reply.raw.on('close', onClose);
  let post: ParsedPost | null = null;
  let policy: PolicyHandle | undefined;
  let releaseStream: (() => void) | undefined;
  let budget: ToolCallBudget | undefined;
  let priced: McpServerRoute | undefined;
  try {
    checkOrigin(req);
    const rawKey = req.gatewayAuth?.rawKey ?? extractCredential(req.headers, req.query, false);
    const auth = req.gatewayAuth?.auth ?? await deps.keyLookup.authenticate(rawKey);
    log.orgId = auth.orgId;
    log.keyId = auth.keyId;
    const route = resolveServer(await deps.orgRoutes.get(auth.orgId), req.params.target);
    log.serverId = route.id;
    if (!auth.mcpServerIdSet.has(route.id)) throw new GatewayError('mcp_not_allowed', 'This API key has no access to this MCP server');

    // The policy step (IP rules, payload size, request rates, concurrency) of the key's stack.
    // A GET stream counts as one request but holds no concurrency slot while it stays open.
    const len = Number(req.headers['content-length']);
    policy = await deps.policy.check(scopesOf(auth, undefined), {
      clientIp: deps.clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']),
      requestBytes: Number.isFinite(len) ? len : Buffer.isBuffer(req.body) ? req.body.length : 0,
    });
    if (req.method === 'GET') {
      await policy.complete();
      policy = undefined;
      // ...but it takes one of the organisation's open-stream slots until it ends.
      releaseStream = mcp.openStream(auth.orgId);
    }

    if (req.method === 'POST') post = parseRpcBody(req.body);
    const sid = req.headers['mcp-session-id'];
    const session = typeof sid === 'string' && sid.length > 0 ? mcp.sessions.open(auth, route.id, sid) : null;
    // Unknown, forged, or another key's session: 404 tells a client to start a new session.
    if (typeof sid === 'string' && sid.length > 0 && !session) throw new GatewayError('not_found', 'MCP session not found');

    priced = route;
    budget = await reserveToolCalls(deps, auth, route, post?.messages);
    const call: McpCall = { gateway: mcp, req, reply, auth, rawKey: rawKey!, route, rules: toolRulesFor(route), log, signal: ac.signal, session, budget };
    if (route.transport === 'STREAMABLE_HTTP') await proxyHttp(call, post);
    else await proxyBridge(call, post);
  } catch (e) {
    if (e instanceof ClientGone || ac.signal.aborted) {
      log.fail(499, 'client_disconnected');
      // Nobody is left to answer: release the socket instead of leaving the reply pending.
      if (!reply.sent) {
        reply.hijack();
        reply.raw.destroy();
      }
      return;
    }
    const ge = toGatewayError(e);
    noteRequest(log, req.method, post ?? (req.method === 'POST' ? tryParse(req.body) : null));
    log.fail(ge.status, ge.code);
    if (reply.sent) {
      reply.raw.end();
      return;
    }
    throw ge;
  } finally {
    releaseStream?.();
    if (policy) void policy.complete().catch(() => {});
    reply.raw.off('close', onClose);
    if (priced) settleToolCalls(deps, priced, log, budget);
    log.flush(deps);
  }
}

function resolveServer(table: OrgRouteTable, target: string): McpServerRoute {
  const route = table.mcpById.get(target) ?? table.mcpBySlug.get(target);
  // Missing, disabled and another organisation's server look the same: nothing to find here.
  if (!route || !route.enabled) throw new GatewayError('mcp_not_found', 'MCP server not found');
  return route;
}

/**
 * Browsers always send Origin on these requests; a page of another site must not drive the
 * gateway with credentials it got hold of (MCP spec: servers MUST validate Origin). No Origin
 * (non-browser clients) or the gateway's own host is accepted.
 */
function checkOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  try {
    const o = new URL(origin);
    const own = new URL(`${o.protocol}//${req.headers.host ?? ''}`);
    if ((o.protocol === 'http:' || o.protocol === 'https:') && own.host !== '' && o.host === own.host) return;
  } catch {
    /* refused below */
  }
  throw new GatewayError('forbidden', 'Requests from this Origin are not allowed');
}

function tryParse(body: unknown): ParsedPost | null {
  try {
    return parseRpcBody(body);
  } catch {
    return null;
  }
}

/** A request refused before its messages were screened still records what it asked for. */
function noteRequest(log: CallLog, method: string, post: ParsedPost | null): void {
  if (log.entries.length > 0) return;
  if (!post) {
    log.add({ method: method === 'POST' ? null : method });
    return;
  }
  post.messages.forEach((m, i) => {
    const name = m && typeof m === 'object' && typeof m.method === 'string' ? m.method : null;
    const id = m && typeof m === 'object' && (typeof m.id === 'string' || typeof m.id === 'number') ? (m.id as RpcId) : undefined;
    log.add({ method: name, tool: name === 'tools/call' ? toolOf(m) ?? null : null, rpcId: id, bytesIn: post.sizes[i] });
  });
}
