/**
 * What the call path needs of the HTTP exchange, whichever front received it: Fastify's request and
 * reply (the admin API's playground, `inject()` in tests, and gateway requests Fastify answers because
 * they are unusual) or the node:http front of the model routes (surfaces/gateway-front.ts). Both are
 * structural: a FastifyRequest and a FastifyReply are these types as they are.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { serializeError, type ErrorSurface, type GatewayError } from '../errors/index.ts';
import { toGatewayError } from '../errors/to-gateway-error.ts';
import type { SpanHandle } from '../ops/tracing/span-handle.ts';
import type { GatewayAuth } from './gateway-auth.ts';

export interface GatewayCallRequest {
  /** The request id (x-request-id), on usage records and log lines. */
  readonly id: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed query string (Gemini's `?key=`). */
  readonly query: unknown;
  readonly socket: { readonly remoteAddress?: string };
  /** The call's server span; undefined when tracing is off. */
  readonly span?: SpanHandle;
  /** The key, resolved before the body was read. */
  gatewayAuth?: GatewayAuth;
}

/** The reply as the call path uses it (Fastify's reply methods, chainable). */
export interface GatewayReply {
  readonly raw: ServerResponse;
  /** The answer has been handed over (sent, or the response taken over with hijack()). */
  readonly sent: boolean;
  readonly statusCode: number;
  status(code: number): GatewayReply;
  headers(values: Record<string, string>): GatewayReply;
  type(contentType: string): GatewayReply;
  /** A JSON value (serialised), or bytes/a string sent as they are. */
  send(payload?: unknown): GatewayReply;
  /** From here the call path writes `raw` itself (a stream). */
  hijack(): GatewayReply;
}

/**
 * The answer to a request that failed outside the call path's own handling, for both fronts: the
 * catalogued error in the surface's shape (an unexpected failure logged once, never shown), or, when
 * the response has already begun, its end.
 */
export function sendError(reply: GatewayReply, surface: ErrorSurface, err: unknown, log: { logger: Logger; requestId: string }): GatewayError {
  const ge = toGatewayError(err);
  if (ge.status >= 500 && ge.code === 'internal_error') log.logger.error({ requestId: log.requestId, err }, 'unhandled error');
  if (reply.raw.headersSent) {
    if (!reply.raw.writableEnded) reply.raw.end();
  } else reply.status(ge.status).headers(ge.headers).send(serializeError(surface, ge));
  return ge;
}
