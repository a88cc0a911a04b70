import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { AppDeps } from './context.ts';
import { GatewayError, serializeError, type ErrorSurface } from './errors/index.ts';
import { redactUrl } from './ops/logger.ts';
import { adminRoutes } from './admin/admin.plugin.ts';
import { openaiRoutes } from './surfaces/openai/openai.routes.ts';
import { anthropicRoutes } from './surfaces/anthropic/anthropic.routes.ts';
import { geminiRoutes } from './surfaces/gemini/gemini.routes.ts';
import { UpstreamClient } from './upstream/client.ts';
import type { GatewayRuntime } from './gateway/gateway-call.ts';
import { opsRoutes } from './ops/ops.routes.ts';
import { mcpRoutes } from './mcp/mcp.plugin.ts';
import { frameworkErrorHandler, installIngressGuards, requestIdOf } from './surfaces/ingress-guards.ts';
import { ByteBudget } from './upstream/byte-budget.ts';
import { workerId } from './cluster/cluster-worker.ts';
import { createGatewayFront, type GatewayFront } from './surfaces/gateway-front.ts';
import { sendError } from './gateway/gateway-exchange.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    surface?: ErrorSurface;
    /** Admin routes: the zod schemas of their body and query, for the OpenAPI document. */
    bodySchema?: import('zod').ZodType;
    querySchema?: import('zod').ZodType;
  }
  interface FastifyInstance {
    deps: AppDeps;
  }
}

// The console may not be framed (clickjacking) and loads only its own code; Mantine sets inline styles.
const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
  + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
function setConsoleHeaders(res: { setHeader(name: string, value: string): unknown }) {
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('content-security-policy', CONSOLE_CSP);
}

/** Which error shape a request gets: from its route, else from its path. */
export function surfaceOf(req: FastifyRequest): ErrorSurface {
  const configured = req.routeOptions?.config?.surface;
  if (configured) return configured;
  return surfaceOfUrl(req.url);
}

function surfaceOfUrl(url: string): ErrorSurface {
  if (url.startsWith('/api')) return 'admin';
  if (url.startsWith('/v1beta')) return 'gemini';
  if (url.startsWith('/v1/messages')) return 'anthropic';
  if (url.startsWith('/v1/mcp')) return 'mcp';
  if (url.startsWith('/v1')) return 'openai';
  return 'admin';
}

export async function buildApp(deps: AppDeps, opts: { serveConsole?: boolean } = {}): Promise<FastifyInstance> {
  const httpOptions = {
    requestTimeout: deps.config.REQUEST_TIMEOUT_MS,
    headersTimeout: Math.min(60_000, deps.config.REQUEST_TIMEOUT_MS),
    // Node enforces both timeouts on this tick (30 s by default, too coarse for short limits).
    connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(deps.config.REQUEST_TIMEOUT_MS / 4))),
  };
  // The model routes' node:http front (surfaces/gateway-front.ts) sees each request first; Fastify gets the rest.
  let front: GatewayFront | undefined;
  const app = Fastify({
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    // One request line is written by our onResponse hook, with the `key` query parameter redacted.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    // No pino child per request (a serialisation of its bindings each time): every line we write names its requestId itself.
    childLoggerFactory: (logger) => logger,
    bodyLimit: deps.config.MAX_REQUEST_BYTES,
    trustProxy: false,
    genReqId: (req) => requestIdOf(req.headers),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Receiving a request (headers and body) is bounded; a long streamed response is not.
    requestTimeout: deps.config.REQUEST_TIMEOUT_MS,
    serverFactory: (handler, options) => {
      const server = createServer(httpOptions, (req: IncomingMessage, res: ServerResponse) => {
        if (!front?.handle(req, res)) handler(req, res);
      });
      // As Fastify sets up a server it creates itself.
      const o = options as { keepAliveTimeout?: number; connectionTimeout?: number };
      server.keepAliveTimeout = o.keepAliveTimeout ?? 72_000;
      server.setTimeout(o.connectionTimeout ?? 0);
      return server;
    },
    frameworkErrors: frameworkErrorHandler(surfaceOfUrl),
  });
  app.decorate('deps', deps);
  app.decorateRequest('gatewayAuth', undefined);
  installIngressGuards(app, deps.config);

  // ODOCK_WORKERS > 1: which worker answered (operators and tests tell the workers apart by it).
  const worker = workerId();
  app.addHook('onRequest', async (req, reply) => {
    // Set on the raw response so streamed replies (written with reply.raw) carry it too.
    reply.raw.setHeader('x-request-id', req.id);
    reply.raw.setHeader('x-content-type-options', 'nosniff');
    if (worker) reply.raw.setHeader('x-odock-worker', worker);
  });
  // A span per gateway call when OTEL_EXPORTER_OTLP_ENDPOINT is set (src/ops/tracing); nothing otherwise.
  deps.tracer?.install(app);
  app.addHook('onResponse', async (req, reply) => {
    if (deps.logger.isLevelEnabled('info')) {
      deps.logger.info({ requestId: req.id, method: req.method, url: redactUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    }
  });

  app.setErrorHandler((err, req, reply) => {
    sendError(reply, surfaceOf(req), err, { logger: deps.logger, requestId: req.id });
  });

  const upstream = new UpstreamClient({ allowPrivate: deps.config.ODOCK_ALLOW_PRIVATE_UPSTREAMS, connectionsPerOrg: deps.config.UPSTREAM_MAX_CONNECTIONS_PER_ORG });
  app.addHook('onClose', () => upstream.close());
  const rt: GatewayRuntime = { deps, upstream, buffered: new ByteBudget(deps.config.MAX_BUFFERED_UPSTREAM_BYTES, (n) => deps.metrics.upstreamBuffered.set(n)) };
  // The admin API's try-out routes (key and MCP tests, playground) run on the gateway's own runtime.
  await app.register(adminRoutes, { prefix: '/api', gateway: rt });
  await app.register(openaiRoutes(rt), { prefix: '/v1' });
  await app.register(anthropicRoutes(rt), { prefix: '/v1' });
  await app.register(geminiRoutes(rt), { prefix: '/v1beta' });
  await app.register(mcpRoutes(rt), { prefix: '/v1/mcp' });
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  front = createGatewayFront(rt, app, { worker, isClosing: () => closing });
  await app.register(opsRoutes);

  const webRoot = resolve(process.cwd(), 'web/dist');
  const serveConsole = opts.serveConsole !== false && existsSync(join(webRoot, 'index.html'));
  if (serveConsole) await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false, index: 'index.html', setHeaders: (res) => setConsoleHeaders(res) });

  app.setNotFoundHandler((req, reply) => {
    const surface = surfaceOf(req);
    const isApi = req.url.startsWith('/api') || req.url.startsWith('/v1') || req.url === '/metrics';
    if (serveConsole && !isApi && req.method === 'GET') {
      setConsoleHeaders(reply.raw);
      return reply.type('text/html').sendFile('index.html');
    }
    reply.status(404).send(serializeError(surface, new GatewayError('not_found', `No route for ${req.method} ${redactUrl(req.url.split('?')[0])}`)));
  });
  return app;
}
