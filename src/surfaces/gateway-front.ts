/**
 * The node:http front of the model routes: a POST to /v1/chat/completions, /v1/embeddings,
 * /v1/responses, /v1/messages or /v1beta/models/{model}:(stream)generateContent with a JSON body is
 * answered here, in front of Fastify, which keeps everything else (the admin API, the console, MCP,
 * /v1/models, /metrics) and every gateway request out of the ordinary (no or another content type, an
 * empty body, a percent-encoded Gemini path, a server shutting down): those it answers as before.
 *
 * The steps are the route groups' own, in their order: request id and response headers, the server
 * span, the key before a body byte is read (gateway-auth.ts), the body bounded in size and JSON depth
 * and parsed by Fastify's own secure parser, the typed request (the route modules' builders), then
 * the one call path (runGatewayCall), errors in the surface's shape, one log line. What it saves is
 * the framework's generic per-request machinery: request and reply objects, hook pipelines, the
 * router, the content-type parser and reply serialisation (bench/ab.ts gives the figure).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance } from 'fastify';
import { GatewayError, isGatewayError, type ErrorSurface } from '../errors/index.ts';
import { redactUrl } from '../ops/logger.ts';
import type { SpanHandle } from '../ops/tracing/span-handle.ts';
import type { IngressFormat } from '../wire/wire-format.ts';
import { authenticateCall, hasBody } from '../gateway/gateway-auth.ts';
import { runGatewayCall, type GatewayRuntime } from '../gateway/gateway-call.ts';
import { sendError, type GatewayCallRequest, type GatewayReply } from '../gateway/gateway-exchange.ts';
import { objectBody, type GatewayRequest } from '../gateway/gateway-request.ts';
import { readChunks } from '../upstream/read-chunks.ts';
import { parseBoundedJson, secureJsonParser } from './json-body.ts';
import { requestIdOf } from './ingress-guards.ts';
import { chatRequest, embeddingsRequest, responsesRequest } from './openai/openai.routes.ts';
import { messagesRequest } from './anthropic/anthropic.routes.ts';
import { generateRequest } from './gemini/gemini.routes.ts';

const GEMINI_PREFIX = '/v1beta/models/';

interface FrontRoute {
  /** The route as Fastify names it (spans). */
  route: string;
  format: IngressFormat;
  surface: ErrorSurface;
  gemini: boolean;
  build(body: unknown, query: Record<string, unknown>, target: string): GatewayRequest;
}

/** The model routes this front takes, by path; a Gemini path is matched by its prefix. */
function frontRoutes(rt: GatewayRuntime): { exact: Map<string, FrontRoute>; gemini: FrontRoute } {
  const items = rt.deps.responseItems;
  const routes: FrontRoute[] = [
    { route: '/v1/chat/completions', format: 'openai-chat', surface: 'openai', gemini: false, build: (b) => chatRequest(objectBody(b)) },
    { route: '/v1/embeddings', format: 'openai-embeddings', surface: 'openai', gemini: false, build: (b) => embeddingsRequest(objectBody(b)) },
    { route: '/v1/responses', format: 'openai-responses', surface: 'openai', gemini: false, build: (b) => responsesRequest(items, objectBody(b)) },
    { route: '/v1/messages', format: 'anthropic-messages', surface: 'anthropic', gemini: false, build: (b) => messagesRequest(objectBody(b)) },
  ];
  return {
    exact: new Map(routes.map((r) => [r.route, r])),
    gemini: { route: '/v1beta/models/*', format: 'gemini-generate', surface: 'gemini', gemini: true, build: (b, q, target) => generateRequest(target, b, q.alt) },
  };
}

/** `application/json`, with parameters or not, as Fastify's parser for it matches. */
function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.length < 16) return false;
  if (contentType.slice(0, 16).toLowerCase() !== 'application/json') return false;
  const next = contentType.charCodeAt(16);
  return Number.isNaN(next) || next === 0x3b /* ; */ || next === 0x20 || next === 0x09;
}

/** The reply of a request this front answers: Fastify's reply methods, over the raw response. */
class FrontReply implements GatewayReply {
  statusCode = 200;
  sent = false;
  private readonly extra: Record<string, string> = {};
  private contentType: string | undefined;

  constructor(readonly raw: ServerResponse) {}

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  headers(values: Record<string, string>): this {
    Object.assign(this.extra, values);
    return this;
  }

  type(contentType: string): this {
    this.contentType = contentType;
    return this;
  }

  send(payload?: unknown): this {
    const bytes = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
    const res = this.raw;
    for (const name in this.extra) res.setHeader(name, this.extra[name]!);
    res.setHeader('content-type', this.contentType ?? 'application/json; charset=utf-8');
    res.setHeader('content-length', typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length);
    res.statusCode = this.statusCode;
    this.sent = true;
    res.end(bytes);
    return this;
  }

  hijack(): this {
    this.sent = true;
    return this;
  }
}

class FrontRequest implements GatewayCallRequest {
  gatewayAuth: GatewayCallRequest['gatewayAuth'];
  constructor(readonly id: string, readonly headers: IncomingHttpHeaders, readonly query: Record<string, unknown>, readonly socket: IncomingMessage['socket'], readonly span: SpanHandle | undefined) {}
}

/** Reads the body, at most `limit` bytes (else 413 and the connection is closed, nothing more read). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    await readChunks(req, (c) => {
      size += c.length;
      if (size > limit) throw new GatewayError('payload_too_large', 'Request body is too large');
      chunks.push(c);
    });
  } catch (e) {
    if (isGatewayError(e)) throw e;
    // The client hung up mid-body ('aborted', a reset, a close before the end): nothing to answer.
    throw new GatewayError('invalid_request_body', 'The client closed the connection while sending the body');
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

export interface GatewayFront {
  /** Answers the request and returns true, or returns false: Fastify answers it. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export function createGatewayFront(rt: GatewayRuntime, app: FastifyInstance, opts: { worker: string | undefined; isClosing: () => boolean }): GatewayFront {
  const { deps } = rt;
  const { config, logger, tracer } = deps;
  const routes = frontRoutes(rt);
  /** The route a request takes here, or undefined: Fastify answers it. A percent-encoded model name is
   *  Fastify's: its router decodes it exactly once. */
  const routeOf = (path: string): FrontRoute | undefined =>
    routes.exact.get(path) ?? (path.startsWith(GEMINI_PREFIX) && !path.includes('%') ? routes.gemini : undefined);
  const parse = secureJsonParser(app);

  async function serve(req: IncomingMessage, res: ServerResponse, route: FrontRoute, url: string, q: number): Promise<void> {
    const t0 = performance.now();
    const id = requestIdOf(req.headers);
    res.setHeader('x-request-id', id);
    res.setHeader('x-content-type-options', 'nosniff');
    if (opts.worker) res.setHeader('x-odock-worker', opts.worker);
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? {} : parseQuery(url.slice(q + 1)) as Record<string, unknown>;
    // url.path without the query: Gemini's `?key=` must never reach an attribute.
    const span = tracer?.serverSpan({ method: 'POST', route: route.route, path, requestId: id, headers: req.headers }, res);
    const request = new FrontRequest(id, req.headers, query, req.socket, span);
    const reply = new FrontReply(res);
    if (logger.isLevelEnabled('info')) {
      res.once('finish', () => logger.info({ requestId: id, method: 'POST', url: redactUrl(url), status: res.statusCode, ms: Math.round(performance.now() - t0) }, 'request'));
    }
    try {
      try {
        request.gatewayAuth = await authenticateCall(deps, req.headers, query, route.gemini, span, { surface: route.format, seconds: () => (performance.now() - t0) / 1000 });
      } catch (e) {
        // The body stays unread: close the connection after the answer instead of draining it.
        if (hasBody(req.headers)) res.setHeader('connection', 'close');
        throw e;
      }
      const declared = Number(req.headers['content-length']);
      if (declared > config.MAX_REQUEST_BYTES) {
        res.setHeader('connection', 'close');
        throw new GatewayError('payload_too_large', 'Request body is too large');
      }
      let bytes: Buffer;
      try {
        bytes = await readBody(req, config.MAX_REQUEST_BYTES);
      } catch (e) {
        res.setHeader('connection', 'close');
        throw e;
      }
      const body = parseBoundedJson(bytes.toString('utf8'), config.MAX_JSON_DEPTH, parse);
      await runGatewayCall(rt, request, reply, route.build(body, query, route.gemini ? path.slice(GEMINI_PREFIX.length) : ''));
    } catch (e) {
      const ge = sendError(reply, route.surface, e, { logger, requestId: id });
      span?.setAttributes({ 'error.type': ge.code });
    }
  }

  return {
    handle(req, res) {
      if (req.method !== 'POST' || !isJson(req.headers['content-type']) || !hasBody(req.headers) || opts.isClosing()) return false;
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const route = routeOf(q < 0 ? url : url.slice(0, q));
      if (!route) return false;
      void serve(req, res, route, url, q);
      return true;
    },
  };
}
