import { GatewayError } from '../errors/index.ts';
import { toGatewayError } from '../errors/to-gateway-error.ts';
import type { BridgeSession } from './bridge/bridge-session.ts';
import { acceptsSse, ClientStream } from './client-stream.ts';
import { kindOf, rpcError, RPC_INTERNAL, type RpcId, type RpcMessage } from './jsonrpc.ts';
import type { McpCall, ParsedPost } from './mcp-call.ts';
import { screen } from './tool-screen.ts';
import { messageEvent } from './sse-blocks.ts';

const sessionRequired = () => new GatewayError('invalid_request', 'Mcp-Session-Id header is required; send initialize first');

/**
 * SSE and STDIO upstreams, served to the client as streamable HTTP: initialize opens a bridged
 * session (its id sealed like any other), POSTs are answered over SSE (or JSON for clients
 * that only accept JSON) as the upstream answers, GET opens the session's stream for
 * server-initiated messages, DELETE ends the session.
 */
export async function proxyBridge(call: McpCall, post: ParsedPost | null): Promise<void> {
  const { gateway, reply, log } = call;
  let session: BridgeSession | undefined;
  if (call.session) {
    session = call.session.kind === 'b' ? gateway.bridges.get(call.session.ref) : undefined;
    // The sealed id already binds key and server; checked again against the live session.
    if (!session || session.keyId !== call.auth.keyId || session.serverId !== call.route.id) throw new GatewayError('not_found', 'MCP session not found');
  }

  if (call.req.method === 'DELETE') {
    log.add({ method: 'DELETE' });
    if (!session) throw sessionRequired();
    gateway.bridges.close(session.id);
    reply.code(200).send();
    return;
  }

  if (call.req.method === 'GET') {
    const entry = log.add({ method: 'GET' });
    if (!session) throw sessionRequired();
    const out = new ClientStream(reply, {});
    const unwatch = gateway.guard.watch(call, () => out.end());
    session.attach(out);
    await new Promise<void>((resolve) => out.onClose(resolve));
    unwatch();
    entry.bytesOut = out.bytes;
    return;
  }

  const s = screen(post!.messages, post!.sizes, call.rules, log, call.budget?.refusal);
  const headers: Record<string, string> = {};
  if (!session) {
    const init = s.forward.some((m) => m.method === 'initialize' && kindOf(m) === 'request');
    if (!init) throw sessionRequired();
    session = await gateway.bridges.open(call.auth, call.route);
    headers['mcp-session-id'] = gateway.sessions.issue(call.auth, call.route.id, { kind: 'b', ref: session.id });
  }
  const live = session;

  for (const m of s.forward) {
    if (kindOf(m) !== 'request') await live.mux.notify(live, m);
  }
  if (s.pending.size === 0) {
    if (s.local.length === 0) {
      reply.code(202).headers(headers).send();
      return;
    }
    for (const m of s.local) log.out(Buffer.byteLength(JSON.stringify(m)), m.id);
    reply.code(200).headers(headers).type('application/json').send(JSON.stringify(post!.batch ? s.local : s.local[0]));
    return;
  }

  await answer(call, live, s.forward.filter((m) => kindOf(m) === 'request'), s.local, headers, post!.batch);
}

/** Sends the requests and writes their answers as they come, until all are answered or the client leaves. */
async function answer(call: McpCall, session: BridgeSession, requests: RpcMessage[], local: RpcMessage[], headers: Record<string, string>, batch: boolean): Promise<void> {
  const { log } = call;
  const unanswered = new Set<RpcId>(requests.map((m) => m.id as RpcId));
  const sse = acceptsSse(call.req.headers.accept);
  const collected: RpcMessage[] = [...local];
  const out = sse ? new ClientStream(call.reply, headers) : undefined;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const deliver = (m: RpcMessage): boolean => {
    if (out?.closed) return false;
    const answers = kindOf(m) === 'response' && unanswered.has(m.id as RpcId);
    if (!out && !answers) return false; // a JSON answer carries only responses
    if (answers) {
      unanswered.delete(m.id as RpcId);
      log.answered(m.id);
    }
    if (out) {
      const text = messageEvent(JSON.stringify(m));
      out.write(text);
      log.out(Buffer.byteLength(text), answers ? m.id : undefined);
    } else collected.push(m);
    if (unanswered.size === 0) finish();
    return true;
  };

  const closePost = session.openPost(deliver);
  let unwatch = () => {};
  if (out) {
    for (const m of local) out.write(messageEvent(JSON.stringify(m)));
    log.out(out.bytes);
    out.onClose(finish);
    unwatch = call.gateway.guard.watch(call, () => out.end());
  } else call.signal.addEventListener('abort', finish, { once: true });

  for (const m of requests) {
    call.gateway.bridges.get(session.id); // keeps the session from idling out
    session.mux.request(session, m, call.rules, deliver).catch((e) => {
      const ge = toGatewayError(e);
      const entry = log.forId(m.id);
      if (entry) {
        entry.status = ge.status;
        entry.errorCode = ge.code;
      }
      deliver(rpcError(m.id, RPC_INTERNAL, ge));
    });
  }

  await done;
  closePost();
  unwatch();
  if (unanswered.size > 0) {
    // The client left first: the upstream is told to stop working on what is left.
    session.mux.abandon(session, unanswered);
    for (const id of unanswered) {
      const e = log.forId(id);
      if (e && e.errorCode === null) {
        e.status = 499;
        e.errorCode = 'client_disconnected';
      }
    }
  }
  if (out) {
    out.end();
    return;
  }
  if (call.signal.aborted) return;
  for (const m of collected) log.out(Buffer.byteLength(JSON.stringify(m)), m.id);
  call.reply.code(200).headers(headers).type('application/json').send(JSON.stringify(batch ? collected : collected[0]));
}
