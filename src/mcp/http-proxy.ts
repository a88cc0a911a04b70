import { GatewayError } from '../errors/index.ts';
import { readBody } from '../upstream/client.ts';
import type { McpCall, ParsedPost } from './mcp-call.ts';
import { protocolHeaders, validUpstreamSession } from './mcp-call.ts';
import { screen, screenReply, type Screened } from './tool-screen.ts';
import { contentTypeOf, discard, headerOf, upstreamFetch, type UpstreamRes } from './upstream-http.ts';
import { relaySse } from './sse-relay.ts';
import type { RpcMessage } from './jsonrpc.ts';

const MAX_JSON_BODY = 32 * 1024 * 1024;
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Streamable HTTP upstreams: each client request becomes one upstream request with the
 * server's credentials and the mapped session; JSON answers are filtered and sent on, SSE
 * answers are relayed event by event.
 */
export async function proxyHttp(call: McpCall, post: ParsedPost | null): Promise<void> {
  if (call.session && call.session.kind !== 'h') throw new GatewayError('not_found', 'MCP session not found');
  const upstreamSession = call.session?.ref;
  const method = call.req.method as 'GET' | 'POST' | 'DELETE';

  if (method === 'POST') {
    const s = screen(post!.messages, post!.sizes, call.rules, call.log, call.budget?.refusal);
    if (s.forward.length === 0) return answerLocally(call, s, post!.batch);
    const body = JSON.stringify(post!.batch ? s.forward : s.forward[0]);
    const res = await send(call, { method, body, upstreamSession, bodyTimeoutMs: 0 });
    return relayPost(call, res, s, post!.batch);
  }

  call.log.add({ method });
  const res = await send(call, { method, upstreamSession, bodyTimeoutMs: method === 'GET' ? 0 : 30_000 });
  const headers = sessionHeader(call, res);
  if (method === 'GET' && res.statusCode === 200 && contentTypeOf(res) === 'text/event-stream') {
    return relaySse(call, res, headers, undefined, true);
  }
  return relayAsIs(call, res, headers);
}

function send(call: McpCall, o: { method: 'GET' | 'POST' | 'DELETE'; body?: string; upstreamSession?: string; bodyTimeoutMs: number }): Promise<UpstreamRes> {
  return upstreamFetch(call.gateway.agents.for(call.auth.orgId), call.gateway.upstreamAuth, call.route, call.gateway.allowPrivate, {
    method: o.method, headers: protocolHeaders(call.req, o.method, o.upstreamSession), body: o.body, signal: call.signal, bodyTimeoutMs: o.bodyTimeoutMs,
  });
}

/** The upstream's Mcp-Session-Id, replaced by one only this key can use. */
function sessionHeader(call: McpCall, res: UpstreamRes): Record<string, string> {
  const sid = headerOf(res, 'mcp-session-id');
  if (!validUpstreamSession(sid)) return {};
  return { 'mcp-session-id': call.gateway.sessions.issue(call.auth, call.route.id, { kind: 'h', ref: sid }) };
}

async function relayPost(call: McpCall, res: UpstreamRes, s: Screened, batch: boolean): Promise<void> {
  const headers = sessionHeader(call, res);
  const type = contentTypeOf(res);
  if (res.statusCode >= 400) return relayAsIs(call, res, headers);
  if (res.statusCode === 202 || s.pending.size === 0) {
    discard(res);
    if (s.local.length > 0) return sendJson(call, 200, headers, batch ? s.local : s.local[0], s.local);
    for (const e of call.log.entries) if (e.status === 200) e.status = 202;
    call.reply.code(202).headers(headers).send();
    return;
  }
  if (type === 'text/event-stream') return relaySse(call, res, headers, s, false);
  if (type !== 'application/json') {
    discard(res);
    throw new GatewayError('mcp_upstream_error', 'The MCP server answered with an unexpected content type');
  }
  const raw = await readBody(res.body, MAX_JSON_BODY);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GatewayError('mcp_upstream_error', 'The MCP server answered with a body that is not JSON');
  }
  const replies = (Array.isArray(parsed) ? parsed : [parsed]) as RpcMessage[];
  let changed = false;
  for (const m of replies) {
    if (screenReply(m, call.rules, s)) changed = true;
    if (m && typeof m === 'object') call.log.answered(m.id);
  }
  if (s.local.length > 0) return sendJson(call, res.statusCode, headers, [...replies, ...s.local], [...replies, ...s.local]);
  if (!changed) {
    // Untouched answers go out byte for byte.
    call.log.out(raw.length);
    call.reply.code(res.statusCode).headers(headers).type('application/json').send(raw);
    return;
  }
  return sendJson(call, res.statusCode, headers, parsed, replies);
}

function sendJson(call: McpCall, status: number, headers: Record<string, string>, body: unknown, messages: RpcMessage[]): void {
  for (const m of messages) {
    const bytes = Buffer.byteLength(JSON.stringify(m));
    call.log.out(bytes, m?.id);
    call.log.answered(m?.id);
  }
  call.reply.code(status).headers(headers).type('application/json').send(JSON.stringify(body));
}

/**
 * Other answers (DELETE's 200, 405 for a server without a GET stream, the 4xx an MCP server
 * gives for an unknown session or a bad request) are relayed with their status; a body is
 * passed on only when it is small JSON, so no upstream HTML or stack trace reaches the client.
 */
async function relayAsIs(call: McpCall, res: UpstreamRes, headers: Record<string, string>): Promise<void> {
  const status = res.statusCode;
  const type = contentTypeOf(res);
  let body: Buffer | undefined;
  if (type === 'application/json') body = await readBody(res.body, MAX_ERROR_BODY).catch(() => undefined);
  else discard(res);
  if (status >= 400) call.log.fail(status, 'mcp_upstream_error');
  else for (const e of call.log.entries) e.status = status;
  const allow = headerOf(res, 'allow');
  if (status === 405 && allow) headers.allow = allow;
  call.reply.code(status).headers(headers);
  if (body && body.length > 0) {
    call.log.out(body.length);
    call.reply.type('application/json').send(body);
  } else call.reply.send();
}

function answerLocally(call: McpCall, s: Screened, batch: boolean): void {
  if (s.local.length === 0) {
    call.reply.code(202).send();
    return;
  }
  sendJson(call, 200, {}, batch ? s.local : s.local[0], s.local);
}
