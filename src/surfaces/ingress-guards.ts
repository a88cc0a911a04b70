import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { uuid7 } from '../crypto/uuid7.ts';
import type { Config } from '../config/env.ts';
import { GatewayError, serializeError, type ErrorSurface } from '../errors/index.ts';
import { installJsonParser } from './json-body.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the client's `x-request-id` when it is a plain token, else a new one. */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : uuid7();
}

/** Login, logout and token bodies are a few hundred bytes: nobody needs to send more unauthenticated. */
export const AUTH_BODY_LIMIT = 8 * 1024;

/**
 * Request guards every route shares (product.md, "Trust boundary"): a JSON parser bounded in
 * depth, a small body limit on the unauthenticated /api/auth routes, and one value per query
 * parameter on the admin API. Call before registering any route group.
 */
export function installIngressGuards(app: FastifyInstance, config: Readonly<Config>): void {
  installJsonParser(app, config.MAX_JSON_DEPTH);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/auth/') || route.url === '/api/auth') route.bodyLimit = Math.min(route.bodyLimit ?? AUTH_BODY_LIMIT, AUTH_BODY_LIMIT);
  });
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    // Admin routes read single values; `?type=a&type=b` arrives as an array and must not reach SQL.
    for (const [field, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
      if (Array.isArray(v)) throw new GatewayError('invalid_request', `Query parameter ${JSON.stringify(field.slice(0, 64))} is given more than once`, { field: field.slice(0, 64) });
    }
  });
}

/**
 * Fastify answers some malformed requests itself (undecodable URL, over-long path parameter)
 * with a body that quotes the whole URL, `?key=` included. They get a catalogued error instead,
 * in the shape of the surface the path belongs to, and no URL.
 */
export function frameworkErrorHandler(surfaceOfUrl: (url: string) => ErrorSurface) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const ge = err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new GatewayError('invalid_request', 'A path segment of this URL is too long')
      : err.code === 'FST_ERR_BAD_URL'
        ? new GatewayError('invalid_request', 'The request URL is not valid (bad percent-encoding)')
        : new GatewayError('internal_error', 'Internal error');
    reply.status(ge.status).send(serializeError(surfaceOfUrl(req.raw.url ?? ''), ge));
  };
}
