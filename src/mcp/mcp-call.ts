import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResolvedAuth } from '../auth/auth-entry.ts';
import type { McpServerRoute } from '../access/org-routes.ts';
import type { CallLog } from './call-log.ts';
import type { ToolRules } from './tool-rules.ts';
import type { SessionRef } from './session-token.ts';
import type { McpGateway } from './mcp-gateway.ts';
import type { RpcMessage } from './jsonrpc.ts';
import type { ToolCallBudget } from './mcp-budget.ts';

/** One authorised MCP request on its way to a server. */
export interface McpCall {
  gateway: McpGateway;
  req: FastifyRequest;
  reply: FastifyReply;
  auth: ResolvedAuth;
  /** Kept in memory only, to re-check the key while a stream stays open. */
  rawKey: string;
  route: McpServerRoute;
  rules: ToolRules;
  log: CallLog;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** The session the client named (already opened for this key and server), if any. */
  session: SessionRef | null;
  /** The priced tool calls' budget reservation, or the refusal they get (mcp-budget.ts). */
  budget?: ToolCallBudget;
}

export interface ParsedPost {
  messages: RpcMessage[];
  batch: boolean;
  sizes: number[];
}

const PROTOCOL_VERSION = /^[A-Za-z0-9._-]{1,32}$/;
const EVENT_ID = /^[\x21-\x7e]{1,1024}$/;

/**
 * The only client headers an upstream sees: the MCP protocol ones, re-validated. Never the
 * client's Authorization, X-API-Key, cookies, forwarding or hop-by-hop headers.
 */
export function protocolHeaders(req: FastifyRequest, method: 'GET' | 'POST' | 'DELETE', upstreamSession: string | undefined): Record<string, string> {
  const h: Record<string, string> = {};
  if (method === 'POST') {
    h['content-type'] = 'application/json';
    h.accept = 'application/json, text/event-stream';
  } else if (method === 'GET') h.accept = 'text/event-stream';
  const v = req.headers['mcp-protocol-version'];
  if (typeof v === 'string' && PROTOCOL_VERSION.test(v)) h['mcp-protocol-version'] = v;
  const last = req.headers['last-event-id'];
  if (typeof last === 'string' && EVENT_ID.test(last)) h['last-event-id'] = last;
  if (upstreamSession) h['mcp-session-id'] = upstreamSession;
  return h;
}

/** An upstream session id worth mapping: visible ASCII, bounded (MCP spec, Session Management). */
export function validUpstreamSession(v: string | undefined): v is string {
  return typeof v === 'string' && EVENT_ID.test(v);
}
