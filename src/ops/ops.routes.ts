import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isRedisReady } from '../cache/redis-client.ts';
import { GatewayError } from '../errors/index.ts';
import { clusterMetrics } from '../cluster/cluster-worker.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * METRICS_TOKEN set: the scraper must send `Authorization: Bearer <token>`. Both sides are
 * hashed first so the comparison takes the same time whatever the length or content sent.
 */
function checkMetricsToken(expected: Buffer | undefined, req: FastifyRequest): void {
  if (!expected) return;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '');
  const ok = timingSafeEqual(digest(m ? m[1] : ''), expected);
  if (!m || !ok) throw new GatewayError('unauthorized', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>', {}, { 'WWW-Authenticate': 'Bearer' });
}

/** Liveness, readiness (store and cache reachable) and Prometheus metrics. */
export async function opsRoutes(app: FastifyInstance): Promise<void> {
  const { deps } = app;

  app.get('/v1/health', async () => ({ status: 'ok' }));

  app.get('/v1/healthz', async (_req, reply) => {
    const store = await deps.store.ping();
    const redis = deps.redis ? isRedisReady(deps.redis) : null;
    const bus = deps.bus.healthy;
    deps.metrics.storeUp.set(store ? 1 : 0);
    deps.metrics.redisUp.set(redis === false ? 0 : 1);
    // Redis down degrades (auth falls back to the store) but does not make the instance unready.
    const limits = deps.policy.degraded;
    const status = !store ? 'unavailable' : redis === false || !bus || limits ? 'degraded' : 'ok';
    reply.status(store ? 200 : 503);
    return {
      status,
      store: { dialect: deps.store.dialect, ok: store },
      cache: deps.redis ? { backend: 'redis', ok: redis, invalidationBus: bus } : { backend: 'memory', ok: true, invalidationBus: true },
      rateLimits: { backend: deps.redis ? 'redis' : 'memory', degraded: limits, onFailure: deps.config.RATE_LIMIT_REDIS_FAILURE },
      usage: { pending: deps.usage.pendingCount },
    };
  });

  const metricsToken = deps.config.METRICS_TOKEN ? digest(deps.config.METRICS_TOKEN) : undefined;
  // ODOCK_WORKERS > 1: whichever worker serves the scrape answers for all of them (summed by the primary).
  const all = clusterMetrics(deps.metrics.registry);
  app.get('/metrics', async (req, reply) => {
    checkMetricsToken(metricsToken, req);
    if (deps.redis) deps.metrics.redisUp.set(isRedisReady(deps.redis) ? 1 : 0);
    reply.type(deps.metrics.registry.contentType);
    return all ? all.text() : deps.metrics.registry.metrics();
  });
}
