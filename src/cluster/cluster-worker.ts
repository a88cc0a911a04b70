import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Config } from '../config/env.ts';
import type { SharedParts } from '../deps.ts';
import { LimiterUnavailableError, type LimiterStore } from '../policy/limiter-store.ts';
import type { BudgetLedger } from '../budgets/budget-ledger.ts';
import type { CooldownStore } from '../routing/cooldown-store.ts';
import type { UsageRepo } from '../store/repos/usage.repo.ts';
import { ClusterBus } from './cluster-bus.ts';
import { primaryService } from './primary-rpc.ts';
import type { PrimaryRpcError } from './primary-rpc.ts';
import type { LoginThrottle } from '../admin/auth/login-throttle.ts';
import type { TtlTextStore } from '../cache/ttl-text-store.ts';

export type SharedLoginThrottle = Pick<LoginThrottle, 'retryAfter' | 'recordFailure' | 'recordSuccess'>;

/**
 * Embedded mode in a worker: the primary's login throttle, so N workers do not allow N times
 * LOGIN_MAX_FAILURES guesses. Undefined elsewhere (with Redis the counters are shared there).
 */
export function primaryLoginThrottle(config: Readonly<Config>): SharedLoginThrottle | undefined {
  return isOdockWorker() && !config.REDIS_URL ? primaryService<SharedLoginThrottle>('login-throttle') : undefined;
}

/**
 * The argument the primary gives the workers it forks. A process that is a cluster worker of some
 * other primary (PM2's cluster mode, for one) is not an Odock worker: it migrates, bootstraps and
 * holds its own state, as a plain instance does.
 */
export const WORKER_FLAG = '--odock-worker';

/** Whether this process is a worker forked by Odock's primary (cluster-primary.ts). */
export function isOdockWorker(): boolean {
  return cluster.isWorker && process.argv.includes(WORKER_FLAG);
}

/** The id of this cluster worker (as `x-odock-worker` shows it), or undefined outside a cluster. */
export function workerId(): string | undefined {
  return isOdockWorker() && cluster.worker ? String(cluster.worker.id) : undefined;
}

/**
 * What a worker takes from the primary (see cluster-primary.ts for why each lives there). With
 * REDIS_URL the counters and the bus are Redis's, as for separate instances; on PostgreSQL every
 * worker writes its own usage records (async inserts that never collide: each record is queued in
 * exactly one worker, under an id generated there).
 */
export function sharedPartsForWorker(config: Readonly<Config>): SharedParts {
  const embedded = !config.REDIS_URL;
  return {
    migrated: true,
    bus: embedded ? new ClusterBus() : undefined,
    limiter: embedded ? remoteLimiter() : undefined,
    ledger: embedded ? remoteLedger() : undefined,
    cooldowns: embedded ? remoteCooldowns() : undefined,
    responseItems: embedded ? primaryService<TtlTextStore>('response-items') : undefined,
    usageRepo: config.dialect === 'sqlite' ? primaryService<Pick<UsageRepo, 'insertUsage' | 'insertMcpUsage' | 'touchLastUsed'>>('usage') : undefined,
  };
}

/** The primary's MemoryLimiter: one set of counters for every worker, so limits stay global. */
function remoteLimiter(): LimiterStore {
  const remote = primaryService<LimiterStore>('limiter');
  // An unreachable primary is an unavailable counter store: the engine applies RATE_LIMIT_REDIS_FAILURE.
  const unavailable = (e: PrimaryRpcError): never => {
    throw new LimiterUnavailableError(`limiter in the primary process: ${e.message}`, { cause: e });
  };
  return {
    kind: 'memory',
    acquire: (checks, leaseId) => remote.acquire(checks, leaseId).catch(unavailable),
    peek: (checks) => remote.peek(checks).catch(unavailable),
    finish: (op) => remote.finish(op).catch(unavailable),
    renew: (keys, leaseId, ttlMs) => remote.renew(keys, leaseId, ttlMs).catch(unavailable),
  };
}

/** The primary's budget ledger: one set of budget and quota counters for every worker. An unreachable
 *  primary makes reserve() reject, which the budget gate answers with store_unavailable (never unchecked spend). */
function remoteLedger(): BudgetLedger {
  const remote = primaryService<BudgetLedger>('budget-ledger');
  return {
    kind: 'memory',
    reserve: (counters, hold) => remote.reserve(counters, hold),
    settle: (items) => remote.settle(items),
    peek: (keys) => remote.peek(keys),
  };
}

/** The primary's deployment cooldowns, so a deployment rested by one worker is skipped by all. Without an
 *  answer a worker routes as if nothing were resting (the upstream's own errors still fail over). */
function remoteCooldowns(): CooldownStore {
  const remote = primaryService<CooldownStore>('routing-cooldowns');
  return {
    coolDown: (key, untilMs) => remote.coolDown(key, untilMs).catch(() => undefined),
    coolingUntil: (keys, nowMs) => remote.coolingUntil(keys, nowMs).catch(() => keys.map(() => null)),
    recordOutcome: (key, ok, nowMs) => remote.recordOutcome(key, ok, nowMs).catch(() => undefined),
    health: (keys, nowMs) => remote.health(keys, nowMs),
  };
}

/**
 * In a worker: its registry joins prom-client's cluster aggregation (the primary asks every worker for
 * its metrics over IPC and sums them), and a proxy that asks the primary for the sum. Undefined
 * outside a cluster.
 */
export function clusterMetrics(registry: Registry): { text(): Promise<string> } | undefined {
  if (!isOdockWorker()) return undefined;
  // Constructing one is what makes prom-client answer the primary's requests in this process.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  return primaryService<{ text(): Promise<string> }>('metrics');
}
