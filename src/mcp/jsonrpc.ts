import { GatewayError } from '../errors/index.ts';

/** JSON-RPC 2.0 as MCP uses it; ids are strings or numbers (MCP forbids null ids). */
export type RpcId = string | number;

export interface RpcMessage {
  jsonrpc: '2.0';
  id?: RpcId | null;
  method?: string;
  params?: Record<string, unknown> & { _meta?: Record<string, unknown> };
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

export type MessageKind = 'request' | 'notification' | 'response' | 'invalid';

export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL = -32603;

export function kindOf(m: RpcMessage): MessageKind {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return 'invalid';
  const hasId = typeof m.id === 'string' || typeof m.id === 'number';
  if ('method' in m) {
    if (typeof m.method !== 'string' || m.method.length === 0) return 'invalid';
    return hasId ? 'request' : 'id' in m && m.id !== undefined ? 'invalid' : 'notification';
  }
  if (hasId && ('result' in m || 'error' in m)) return 'response';
  return 'invalid';
}

/**
 * Parses a POST body: one message or a batch (2025-03-26 allows batches; later revisions
 * dropped them but a proxy still has to read them). Anything else is a 400.
 */
export function parseRpcBody(body: unknown): { messages: RpcMessage[]; batch: boolean; sizes: number[] } {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new GatewayError('invalid_request_body', 'Request body must be a JSON-RPC message or batch');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new GatewayError('invalid_request_body', 'Request body is not valid JSON');
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) throw new GatewayError('invalid_request_body', 'A JSON-RPC batch must not be empty');
    const messages = parsed as RpcMessage[];
    return { messages, batch: true, sizes: messages.map((m) => Buffer.byteLength(JSON.stringify(m) ?? '')) };
  }
  if (!parsed || typeof parsed !== 'object') throw new GatewayError('invalid_request_body', 'Request body must be a JSON-RPC message or batch');
  return { messages: [parsed as RpcMessage], batch: false, sizes: [body.length] };
}

/**
 * A JSON-RPC error answering one message. The gateway's own refusals carry the catalogued code
 * in `data.code`, so a client can tell a gateway refusal from the server's own errors.
 */
export function rpcError(id: RpcId | null | undefined, rpcCode: number, err: GatewayError): RpcMessage {
  return { jsonrpc: '2.0', id: id ?? null, error: { code: rpcCode, message: err.message, data: { code: err.code, ...err.extra } } };
}

export function rpcResult(id: RpcId, result: Record<string, unknown>): RpcMessage {
  return { jsonrpc: '2.0', id, result };
}

/** The tool name of a tools/call, or undefined. */
export function toolOf(m: RpcMessage): string | undefined {
  const name = m.params?.name;
  return typeof name === 'string' ? name : undefined;
}

const KNOWN_METHODS = new Set([
  'initialize', 'ping', 'tools/list', 'tools/call', 'resources/list', 'resources/read', 'resources/templates/list', 'resources/subscribe',
  'resources/unsubscribe', 'prompts/list', 'prompts/get', 'completion/complete', 'logging/setLevel', 'notifications/initialized',
  'notifications/cancelled', 'notifications/progress', 'notifications/roots/list_changed', 'GET', 'DELETE', 'response',
]);

/** Metric label for a method: client-chosen strings must not grow the label set without bound. */
export function methodLabel(method: string | null): string {
  return method && KNOWN_METHODS.has(method) ? method : 'other';
}
