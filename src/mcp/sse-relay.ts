import { GatewayError } from '../errors/index.ts';
import { ClientStream } from './client-stream.ts';
import type { McpCall } from './mcp-call.ts';
import { rpcError, RPC_INTERNAL, type RpcId, type RpcMessage } from './jsonrpc.ts';
import { screenReply, type Screened } from './tool-screen.ts';
import { messageEvent, SseBlockSplitter, withData } from './sse-blocks.ts';
import { cut, type UpstreamRes } from './upstream-http.ts';

/**
 * Relays an upstream SSE stream to the client event by event, with backpressure: a slow
 * client pauses the upstream read. Events pass untouched except tool lists, whose data is
 * rewritten. The gateway's own answers (refused calls of a batch) go first. While the stream
 * is open the key is re-checked on every invalidation, so a revoke cuts it.
 *
 * If the upstream fails, or ends a non-resumable stream (no event ids) before answering every
 * request, each unanswered request gets a JSON-RPC error: never a silent, truncated success.
 */
export async function relaySse(call: McpCall, res: UpstreamRes, headers: Record<string, string>, s: Screened | undefined, standalone: boolean): Promise<void> {
  const out = new ClientStream(call.reply, headers);
  const unwatch = call.gateway.guard.watch(call, () => {
    out.end();
    cut(res);
  });
  out.onClose(() => cut(res));
  const unanswered = new Set<RpcId>(s?.pending ?? []);
  const splitter = new SseBlockSplitter();
  let resumable = false;
  let failed = false;

  const emit = (text: string, id?: RpcId | null) => {
    if (out.write(text)) call.log.out(Buffer.byteLength(text), id);
  };
  for (const m of s?.local ?? []) {
    emit(messageEvent(JSON.stringify(m)), m.id);
    call.log.answered(m.id);
  }

  try {
    for await (const chunk of res.body) {
      for (const block of splitter.push(chunk as Buffer)) {
        if (block.id !== undefined) resumable = true;
        let text = block.raw;
        let answers: RpcId | undefined;
        if (block.data && block.event === 'message') {
          const msg = parse(block.data);
          const list = Array.isArray(msg) ? msg : [msg];
          let changed = false;
          for (const m of list as RpcMessage[]) {
            if (!m || typeof m !== 'object' || (m.id !== 0 && !m.id) || 'method' in m) continue;
            answers ??= m.id as RpcId;
            unanswered.delete(m.id as RpcId);
            call.log.answered(m.id);
            if (screenReply(m, call.rules, s)) changed = true;
          }
          if (changed) text = withData(block, JSON.stringify(msg));
        }
        emit(text, answers);
        await out.drain();
      }
      if (out.closed) break;
    }
    splitter.end();
  } catch {
    failed = !out.closed && !call.signal.aborted;
  } finally {
    unwatch();
  }

  if (out.closed) {
    // The client left (or the key was cut off): what was not answered never will be.
    if (unanswered.size > 0) markUnanswered(call, unanswered, 499, 'client_disconnected');
    return;
  }
  if (unanswered.size > 0 && (failed || !resumable)) {
    const err = new GatewayError('mcp_upstream_error', 'The MCP server stream ended before answering');
    for (const id of unanswered) emit(messageEvent(JSON.stringify(rpcError(id, RPC_INTERNAL, err))), id);
    markUnanswered(call, unanswered, 502, err.code);
  } else if (failed && standalone) call.log.fail(502, 'mcp_upstream_error');
  out.end();
}

function markUnanswered(call: McpCall, ids: Set<RpcId>, status: number, code: string): void {
  for (const id of ids) {
    const e = call.log.forId(id);
    if (e && e.errorCode === null) {
      e.status = status;
      e.errorCode = code;
    }
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}
