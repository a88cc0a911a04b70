import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../context.ts';
import type { ResolvedAuth } from '../auth/auth-entry.ts';
import { extractCredential } from '../auth/credentials.ts';
import { toGatewayError } from '../errors/to-gateway-error.ts';
import type { IngressFormat } from '../wire/wire-format.ts';

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

function hasBody(req: FastifyRequest): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/**
 * onRequest hook of each gateway route group: the virtual key (headers, or Gemini's `key`
 * query parameter) is checked before a single body byte is read or parsed, so an
 * unauthenticated client cannot make the gateway buffer or parse anything. The resolved auth
 * stays on the request for the handler.
 */
export function gatewayAuthHook(deps: AppDeps, opts: { gemini: boolean }) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const rawKey = extractCredential(req.headers, req.query, opts.gemini);
    const span = req.span?.startChild('gateway.auth');
    try {
      req.gatewayAuth = { auth: await deps.keyLookup.authenticate(rawKey), rawKey: rawKey! };
      span?.end();
    } catch (e) {
      span?.end(toGatewayError(e).code);
      // The body stays unread: close the connection after the answer instead of draining it.
      if (hasBody(req)) reply.header('connection', 'close');
      const surface = req.routeOptions.config.gatewaySurface;
      if (surface) {
        const ge = toGatewayError(e);
        deps.metrics.request(surface, 'none', ge.status, ge.code, reply.elapsedTime / 1000);
      }
      throw e;
    }
  };
}
