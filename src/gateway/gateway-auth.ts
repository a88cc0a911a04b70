import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../context.ts';
import type { ResolvedAuth } from '../auth/auth-entry.ts';
import { extractCredential } from '../auth/credentials.ts';
import { toGatewayError } from '../errors/to-gateway-error.ts';
import type { IngressFormat } from '../wire/wire-format.ts';
import type { SpanHandle } from '../ops/tracing/span-handle.ts';

export interface GatewayAuth {
  auth: ResolvedAuth;
  /** The credential as sent (MCP binds sessions to it); never logged or echoed. */
  rawKey: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the gateway route groups' onRequest hook, before the body is read. */
    gatewayAuth?: GatewayAuth;
  }
  interface FastifyContextConfig {
    /** Gateway routes: the metrics label of a request refused at the key step. */
    gatewaySurface?: IngressFormat;
  }
}

/** The request carries a body (it is left unread when the key is refused). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  const len = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/**
 * The key step of a gateway call, before a single body byte is read or parsed: the virtual key
 * (headers, or Gemini's `key` query parameter) is checked, in its own span. A refusal is counted
 * under the route's metrics label and thrown.
 */
export async function authenticateCall(
  deps: AppDeps, headers: IncomingHttpHeaders, query: unknown, gemini: boolean, span: SpanHandle | undefined, refused?: { surface: IngressFormat; seconds: () => number },
): Promise<GatewayAuth> {
  const rawKey = extractCredential(headers, query, gemini);
  const child = span?.startChild('gateway.auth');
  try {
    const auth = { auth: await deps.keyLookup.authenticate(rawKey), rawKey: rawKey! };
    child?.end();
    return auth;
  } catch (e) {
    const ge = toGatewayError(e);
    child?.end(ge.code);
    if (refused) deps.metrics.request(refused.surface, 'none', ge.status, ge.code, refused.seconds());
    throw e;
  }
}

/**
 * onRequest hook of each gateway route group Fastify serves: authenticateCall, so an
 * unauthenticated client cannot make the gateway buffer or parse anything. The resolved auth
 * stays on the request for the handler.
 */
export function gatewayAuthHook(deps: AppDeps, opts: { gemini: boolean }) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const surface = req.routeOptions.config.gatewaySurface;
    try {
      req.gatewayAuth = await authenticateCall(deps, req.headers, req.query, opts.gemini, req.span, surface && { surface, seconds: () => reply.elapsedTime / 1000 });
    } catch (e) {
      // The body stays unread: close the connection after the answer instead of draining it.
      if (hasBody(req.headers)) reply.header('connection', 'close');
      throw e;
    }
  };
}
