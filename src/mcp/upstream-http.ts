import { request, type Dispatcher } from 'undici';
import type { McpServerRoute } from '../access/org-routes.ts';
import { GatewayError } from '../errors/index.ts';
import { assertSafeBaseUrl } from '../upstream/ssrf-guard.ts';
import type { UpstreamAuth } from './upstream-auth.ts';

export type UpstreamRes = Dispatcher.ResponseData;

/** Waiting for response headers: long tool calls answer only when done. */
const HEADERS_TIMEOUT_MS = 300_000;

export interface UpstreamHttpOptions {
  method: 'GET' | 'POST' | 'DELETE';
  /** Protocol headers only (accept, content-type, mcp-*, last-event-id); auth is added here. */
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** 0 for SSE streams, which may idle between events for as long as the client stays. */
  bodyTimeoutMs: number;
  /** Another URL of the same upstream (the legacy SSE message endpoint). */
  url?: string;
}

const upstreamError = (m = 'The MCP server could not be reached') => new GatewayError('mcp_upstream_error', m);

// The endpoint is checked again per request: the SSRF setting may have changed since the
// server was saved, and IP-literal hosts never reach the connect-time lookup guard.
const checked = new WeakMap<McpServerRoute, string>();

export function endpointOf(route: McpServerRoute, allowPrivate: boolean): string {
  let url = checked.get(route);
  if (url === undefined) {
    if (!route.endpointUrl) throw upstreamError('The MCP server has no endpoint URL');
    try {
      url = assertSafeBaseUrl(route.endpointUrl, allowPrivate, 'endpointUrl');
    } catch {
      throw upstreamError('The MCP server address is not allowed by the gateway (SSRF guard)');
    }
    checked.set(route, url);
  }
  return url;
}

/**
 * One request to an HTTP upstream with the server's credentials. Redirects are never followed
 * (undici's request does not). A 401/403 means the gateway's own credentials were refused: an
 * OAuth2 token is refetched once, otherwise it is `mcp_auth_error`, and the upstream's
 * WWW-Authenticate is never relayed (it would send the client into the upstream's OAuth flow).
 */
export async function upstreamFetch(
  agent: Dispatcher, auth: UpstreamAuth, route: McpServerRoute, allowPrivate: boolean, o: UpstreamHttpOptions,
): Promise<UpstreamRes> {
  const url = o.url ?? endpointOf(route, allowPrivate);
  for (let attempt = 0; ; attempt++) {
    const headers = { 'user-agent': 'odock-mcp-gateway', ...o.headers, ...(await auth.headers(route, agent)) };
    let res: UpstreamRes;
    try {
      res = await request(url, {
        method: o.method, headers, body: o.body, signal: o.signal, dispatcher: agent,
        headersTimeout: HEADERS_TIMEOUT_MS, bodyTimeout: o.bodyTimeoutMs,
      });
    } catch (e) {
      throw mapMcpTransportError(e, o.signal);
    }
    if (res.statusCode === 401 || res.statusCode === 403) {
      discard(res);
      if (route.authType === 'OAUTH2' && attempt === 0) {
        auth.invalidate(route);
        continue;
      }
      throw new GatewayError('mcp_auth_error', 'The MCP server refused the gateway\'s credentials');
    }
    if (res.statusCode >= 300 && res.statusCode < 400) {
      discard(res);
      throw upstreamError('The MCP server answered with a redirect, which the gateway does not follow');
    }
    if (res.statusCode >= 500) {
      discard(res);
      throw upstreamError(`The MCP server failed (HTTP ${res.statusCode})`);
    }
    return res;
  }
}

export class ClientGone extends Error {
  constructor() {
    super('client closed the connection');
  }
}

/** Transport failures → catalogued errors; never the upstream URL. */
export function mapMcpTransportError(e: unknown, signal?: AbortSignal): Error {
  if (e instanceof GatewayError) return e;
  if (signal?.aborted) return new ClientGone();
  const err = e as { code?: string; cause?: { code?: string } };
  const code = err?.code ?? err?.cause?.code ?? '';
  if (code === 'ESSRF') return upstreamError('The MCP server address is not allowed by the gateway (SSRF guard)');
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return upstreamError('The MCP server did not answer in time');
  if (code === 'UND_ERR_BODY_TIMEOUT') return upstreamError('The MCP server stopped sending');
  if (code === 'ECONNREFUSED') return upstreamError('The MCP server refused the connection');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return upstreamError('The MCP server host could not be resolved');
  return upstreamError();
}

/**
 * Lets go of a body the gateway will not read. undici reports destroying an unread body as an
 * 'error' event, which without a listener would be an uncaught exception; a short body is read
 * to its end instead so the connection can be reused.
 */
export function discard(res: UpstreamRes): void {
  res.body.on('error', () => {});
  res.body.dump({ limit: 64 * 1024 }).catch(() => {});
}

/** Stops reading a body (a stream the client left): no 'error' event escapes. */
export function cut(res: UpstreamRes): void {
  res.body.on('error', () => {});
  res.body.destroy();
}

export function contentTypeOf(res: UpstreamRes): string {
  const ct = res.headers['content-type'];
  return (Array.isArray(ct) ? ct[0] : ct ?? '').split(';')[0].trim().toLowerCase();
}

export function headerOf(res: UpstreamRes, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
