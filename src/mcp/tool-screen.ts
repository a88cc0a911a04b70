import { performance } from 'node:perf_hooks';
import { GatewayError } from '../errors/index.ts';
import type { CallLog } from './call-log.ts';
import { kindOf, rpcError, toolOf, RPC_INVALID_PARAMS, RPC_INVALID_REQUEST, RPC_METHOD_NOT_FOUND, type RpcId, type RpcMessage } from './jsonrpc.ts';
import { filterToolList, isDisguisedToolMethod, looksLikeToolList, type ToolRules } from './tool-rules.ts';

/** A POST body after the tool rules: what goes upstream and what the gateway answers itself. */
export interface Screened {
  forward: RpcMessage[];
  /** The gateway's own answers (refusals), sent to the client with the upstream's. */
  local: RpcMessage[];
  /** Ids of forwarded requests: each expects one response. */
  pending: Set<RpcId>;
  /** Ids of forwarded tools/list requests, whose results are filtered. */
  lists: Set<RpcId>;
}

const blockedError = () => new GatewayError('mcp_tool_blocked', 'This tool is not available to this API key through the gateway');

/**
 * Applies the tool rules to every message of a POST, before anything reaches the upstream, and
 * opens one usage entry per message. A tools/call for an unusable tool (or a method that only
 * looks like tools/call or tools/list), or a priced one over budget, is answered with a JSON-RPC error here; a notification
 * of that kind is dropped. Everything else is forwarded unchanged.
 */
export function screen(messages: RpcMessage[], sizes: number[], rules: ToolRules, log: CallLog, budgetRefusal?: GatewayError): Screened {
  const s: Screened = { forward: [], local: [], pending: new Set(), lists: new Set() };
  messages.forEach((m, i) => {
    const kind = kindOf(m);
    if (kind === 'invalid') {
      const id = m && typeof m === 'object' && (typeof m.id === 'string' || typeof m.id === 'number') ? m.id : null;
      const err = new GatewayError('invalid_request_body', 'Not a valid JSON-RPC 2.0 message');
      log.add({ method: null, bytesIn: sizes[i], status: 400, errorCode: err.code, endedAt: performance.now() });
      s.local.push(rpcError(id, RPC_INVALID_REQUEST, err));
      return;
    }
    if (kind === 'response') {
      log.add({ method: 'response', rpcId: undefined, bytesIn: sizes[i], status: 202 });
      s.forward.push(m);
      return;
    }
    const method = m.method!;
    const tool = method === 'tools/call' ? toolOf(m) ?? null : null;
    const entry = log.add({ method, tool, rpcId: kind === 'request' ? (m.id as RpcId) : undefined, bytesIn: sizes[i], status: kind === 'request' ? 200 : 202 });
    const disguised = isDisguisedToolMethod(method);
    if (disguised || (method === 'tools/call' && !rules.permits(m.params?.name))) {
      entry.status = 403;
      entry.errorCode = 'mcp_tool_blocked';
      entry.blocked = true;
      entry.endedAt = performance.now();
      if (kind === 'request') s.local.push(rpcError(m.id, disguised ? RPC_METHOD_NOT_FOUND : RPC_INVALID_PARAMS, blockedError()));
      return;
    }
    // A priced tool call over budget (mcp-budget.ts) is answered here and never reaches the server.
    if (budgetRefusal && method === 'tools/call' && kind === 'request') {
      entry.status = budgetRefusal.status;
      entry.errorCode = budgetRefusal.code;
      entry.endedAt = performance.now();
      s.local.push(rpcError(m.id, RPC_INVALID_REQUEST, budgetRefusal));
      return;
    }
    s.forward.push(m);
    if (kind === 'request') {
      s.pending.add(m.id as RpcId);
      if (method === 'tools/list') s.lists.add(m.id as RpcId);
    }
  });
  return s;
}

/**
 * Applies the rules to one message from the upstream. Responses to a known tools/list are
 * filtered; a response to an unknown request (a replayed stream) is filtered when it has the
 * shape of a tool list. Returns true when the message was changed.
 */
export function screenReply(msg: unknown, rules: ToolRules, s: Screened | undefined): boolean {
  if (!rules.active || !msg || typeof msg !== 'object' || Array.isArray(msg)) return false;
  const m = msg as RpcMessage;
  if (m.id === undefined || m.id === null || !m.result) return false;
  const known = s?.pending.has(m.id);
  if (known ? s!.lists.has(m.id) : looksLikeToolList(m)) return filterToolList(m, rules);
  return false;
}
