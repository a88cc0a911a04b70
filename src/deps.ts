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
import { createRoutingRuntime } from './routing/routing-runtime.ts';
import { loadTracer } from './ops/tracing/index.ts';
import { createBudgets } from './budgets/index.ts';
import { SecretScrubber } from './upstream/secret-scrub.ts';
import type { LimiterStore } from './policy/limiter-store.ts';
import type { UsageRepo } from './store/repos/usage.repo.ts';
import type { SharedTextStore } from './cache/ttl-text-store.ts';
import type { BudgetLedger } from './budgets/budget-ledger.ts';
import type { CooldownStore } from './routing/cooldown-store.ts';

/**
 * Parts a cluster worker takes from the primary instead of building its own (src/cluster/): the
 * primary has migrated already, and in embedded mode it hosts the counters and the Responses items,
 * relays invalidations, and owns the SQLite usage writes.
 */
export interface SharedParts {
  migrated?: boolean;
  bus?: InvalidationBus;
  limiter?: LimiterStore;
  usageRepo?: Pick<UsageRepo, 'insertUsage' | 'insertMcpUsage' | 'touchLastUsed'>;
  responseItems?: SharedTextStore;
  ledger?: BudgetLedger;
  cooldowns?: CooldownStore;
}

/**
 * Builds every shared part from the configuration: store (migrated), vault (master key checked),
 * cache tiers and invalidation bus, usage writer. Used by main.ts and by tests alike.
 */
export async function createDeps(config: Readonly<Config>, opts: { logger?: Logger; metrics?: Metrics; budgetClock?: () => number; shared?: SharedParts } = {}): Promise<AppDeps & { close(): Promise<void> }> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const metrics = opts.metrics ?? new Metrics();
  const store = openStore({ databaseUrl: config.databaseUrl, schema: config.DATABASE_SCHEMA });
  const shared = opts.shared ?? {};
  try {
    if (!shared.migrated) await store.migrate();
    const vault = new Vault(loadMasterKey({ envKey: config.ODOCK_MASTER_KEY, dataDir: config.dataDir, dialect: config.dialect }));
    await checkMasterKey(metaRepo(store.db), vault);

    const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, 'odock-cache') : undefined;
    const bus: InvalidationBus = shared.bus ?? (config.REDIS_URL ? new RedisBus(config.REDIS_URL, config.CACHE_INVALIDATION_CHANNEL) : new LocalBus());
    const keyLookup = new KeyLookup({
      store: authRepo(store.db), bus, redis, redisPrefix: config.REDIS_KEY_PREFIX,
      positiveTtlMs: config.AUTH_CACHE_TTL * 1000, negativeTtlMs: config.AUTH_NEGATIVE_CACHE_TTL * 1000, metrics,
      epochs: authEpochStore(metaRepo(store.db)),
    });
    const orgRoutes = new OrgRoutes(orgRouteRepo(store.db), vault, bus);
    // Provider keys may have changed: their built scrubbers go with the routing tables.
    bus.subscribe(() => SecretScrubber.forget());
    // On a SQLite file, usage rows are written by a worker thread (better-sqlite3 blocks the thread
    // it runs on); in-memory SQLite cannot be opened by a second connection, so it writes in-thread.
    // PostgreSQL writes are asynchronous already.
    const usageWorker = store.sqliteFile && !shared.usageRepo ? new SqliteUsageWorker({ file: store.sqliteFile }) : undefined;
    const usage = new UsageWriter(shared.usageRepo ?? usageWorker ?? usageRepo(store.db), config.USAGE_FLUSH_INTERVAL_MS, logger, metrics);
    usage.start();
    const rollups = usageRollupRepo(store.db);
    const retention = new UsageRetention({
      slices: usageWorker ?? rollups, organisationIds: rollups.organisationIds, logger,
      rawDays: config.USAGE_RETENTION_DAYS, minuteDays: config.USAGE_MINUTE_ROLLUP_RETENTION_DAYS,
    });
    retention.start();

    const policy = createPolicyEngine({
      store: shared.limiter, redis, redisKeyPrefix: config.REDIS_KEY_PREFIX, redisFailure: config.RATE_LIMIT_REDIS_FAILURE, instanceId: config.instanceId,
      onRefusal: (code, scope) => metrics.policyRefusal(code, scope),
      onDegradedChange: (degraded, err) => {
        metrics.rateLimitDegraded.set(degraded ? 1 : 0);
        if (degraded) logger.warn({ err: err?.message, mode: config.RATE_LIMIT_REDIS_FAILURE }, 'rate-limit counters unavailable in Redis');
        else logger.info('rate-limit counters back on Redis');
      },
    });
    const clientIp = createClientIpResolver(config.trustedProxyCidrs);
    const responseItems = new ResponseItemStore({ redis, redisPrefix: config.REDIS_KEY_PREFIX, ttlMs: config.RESPONSES_ITEM_TTL_SECONDS * 1000, shared: shared.responseItems });

    const routing = createRoutingRuntime({
      redis, redisPrefix: config.REDIS_KEY_PREFIX, registry: metrics.registry, defaultCooldownMs: config.ROUTING_COOLDOWN_SECONDS * 1000,
      onRedisError: () => metrics.redisError(), cooldowns: opts.shared?.cooldowns,
    });
    const tracer = await loadTracer(config.otel, (err) => logger.warn({ err }, 'trace export failed'));
    const budgets = createBudgets({
      db: store.db, bus, vault, logger, redis, redisPrefix: config.REDIS_KEY_PREFIX, allowPrivate: config.ODOCK_ALLOW_PRIVATE_UPSTREAMS, now: opts.budgetClock, ledger: opts.shared?.ledger,
      webhookPollMs: config.WEBHOOK_POLL_MS, webhookRetryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
    });

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
      config, store, vault, bus, redis, keyLookup, orgRoutes, metrics, logger, usage, policy, clientIp, responseItems, routing, invalidate, tracer, budgets,
      async close() {
        await tracer?.shutdown().catch(() => {});
        await policy.releaseAll().catch(() => {});
        await budgets.close();
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
