import type { Config } from './config/env.ts';
import type { AppDeps } from './context.ts';
import { openStore } from './store/db.ts';
import { Vault } from './crypto/envelope.ts';
import { checkMasterKey, loadMasterKey } from './crypto/master-key.ts';
import { LocalBus, RedisBus, type InvalidationBus, type InvalidationEvent } from './cache/invalidation-bus.ts';
import { createRedis } from './cache/redis-client.ts';
import { KeyLookup } from './auth/key-lookup.ts';
import { authEpochStore } from './auth/auth-epoch.ts';
import { authRepo } from './store/repos/auth.repo.ts';
import { orgRouteRepo } from './store/repos/org-route.repo.ts';
import { usageRepo } from './store/repos/usage.repo.ts';
import { metaRepo } from './store/repos/meta.repo.ts';
import { OrgRoutes } from './access/org-routes.ts';
import { Metrics } from './ops/metrics.ts';
import { createLogger } from './ops/logger.ts';
import { UsageWriter } from './usage/usage-writer.ts';
import { SqliteUsageWorker } from './store/sqlite-usage-worker.ts';
import { UsageRetention } from './usage/usage-retention.ts';
import { usageRollupRepo } from './store/repos/usage-rollup.repo.ts';
import type { Logger } from 'pino';
import { createClientIpResolver, createPolicyEngine } from './policy/index.ts';
import { ResponseItemStore } from './surfaces/openai/response-items.ts';

/**
 * Builds every shared part from the configuration: store (migrated), vault (master key checked),
 * cache tiers and invalidation bus, usage writer. Used by main.ts and by tests alike.
 */
export async function createDeps(config: Readonly<Config>, opts: { logger?: Logger; metrics?: Metrics } = {}): Promise<AppDeps & { close(): Promise<void> }> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const metrics = opts.metrics ?? new Metrics();
  const store = openStore({ databaseUrl: config.databaseUrl, schema: config.DATABASE_SCHEMA });
  try {
    await store.migrate();
    const vault = new Vault(loadMasterKey({ envKey: config.ODOCK_MASTER_KEY, dataDir: config.dataDir, dialect: config.dialect }));
    await checkMasterKey(metaRepo(store.db), vault);

    const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, 'odock-cache') : undefined;
    const bus: InvalidationBus = config.REDIS_URL ? new RedisBus(config.REDIS_URL, config.CACHE_INVALIDATION_CHANNEL) : new LocalBus();
    const keyLookup = new KeyLookup({
      store: authRepo(store.db), bus, redis, redisPrefix: config.REDIS_KEY_PREFIX,
      positiveTtlMs: config.AUTH_CACHE_TTL * 1000, negativeTtlMs: config.AUTH_NEGATIVE_CACHE_TTL * 1000, metrics,
      epochs: authEpochStore(metaRepo(store.db)),
    });
    const orgRoutes = new OrgRoutes(orgRouteRepo(store.db), vault, bus);
    // On a SQLite file, usage rows are written by a worker thread (better-sqlite3 blocks the thread
    // it runs on); in-memory SQLite cannot be opened by a second connection, so it writes in-thread.
    // PostgreSQL writes are asynchronous already.
    const usageWorker = store.sqliteFile ? new SqliteUsageWorker({ file: store.sqliteFile }) : undefined;
    const usage = new UsageWriter(usageWorker ?? usageRepo(store.db), config.USAGE_FLUSH_INTERVAL_MS, logger, metrics);
    usage.start();
    const rollups = usageRollupRepo(store.db);
    const retention = new UsageRetention({
      slices: usageWorker ?? rollups, organisationIds: rollups.organisationIds, logger,
      rawDays: config.USAGE_RETENTION_DAYS, minuteDays: config.USAGE_MINUTE_ROLLUP_RETENTION_DAYS,
    });
    retention.start();

    const policy = createPolicyEngine({
      redis, redisKeyPrefix: config.REDIS_KEY_PREFIX, redisFailure: config.RATE_LIMIT_REDIS_FAILURE, instanceId: config.instanceId,
      onRefusal: (code, scope) => metrics.policyRefusal(code, scope),
      onDegradedChange: (degraded, err) => {
        metrics.rateLimitDegraded.set(degraded ? 1 : 0);
        if (degraded) logger.warn({ err: err?.message, mode: config.RATE_LIMIT_REDIS_FAILURE }, 'rate-limit counters unavailable in Redis');
        else logger.info('rate-limit counters back on Redis');
      },
    });
    const clientIp = createClientIpResolver(config.trustedProxyCidrs);
    const responseItems = new ResponseItemStore({ redis, redisPrefix: config.REDIS_KEY_PREFIX, ttlMs: config.RESPONSES_ITEM_TTL_SECONDS * 1000 });

    const invalidate = async (e: InvalidationEvent) => {
      // Shared tier first, then every instance's in-process tier, then the shared tier again in
      // case a concurrent lookup re-filled it from a read that predates the change.
      const dropped = await keyLookup.dropShared(e);
      const sent = await bus.publish(e);
      const droppedAgain = await keyLookup.dropShared(e);
      // Redis missed it (down, partitioned from here): it may return with the stale entries, so
      // the store's auth epoch moves past them before the admin call returns.
      if (!dropped || !sent || !droppedAgain) await keyLookup.missedInvalidation();
    };

    return {
      config, store, vault, bus, redis, keyLookup, orgRoutes, metrics, logger, usage, policy, clientIp, responseItems, invalidate,
      async close() {
        await policy.releaseAll().catch(() => {});
        await retention.stop();
        await usage.close();
        await usageWorker?.close();
        await bus.close();
        redis?.disconnect();
        await store.close();
      },
    };
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
}
