import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import type { Vault } from '../crypto/envelope.ts';
import type { Database } from '../store/schema.ts';
import { budgetRepo } from '../store/repos/budget.repo.ts';
import { webhookRepo } from '../store/repos/webhook.repo.ts';
import type { BudgetLedger } from './budget-ledger.ts';
import { MemoryLedger } from './memory-ledger.ts';
import { RedisLedger } from './redis-ledger.ts';
import { BudgetDefinitions } from './budget-definitions.ts';
import { BudgetEnforcer } from './budget-enforcer.ts';
import { createAlertSink } from './budget-alerts.ts';
import { WebhookDispatcher } from './webhook-dispatcher.ts';

export { BudgetEnforcer } from './budget-enforcer.ts';
export type { Hold, Consumption } from './budget-enforcer.ts';

export interface BudgetsRuntime {
  enforcer: BudgetEnforcer;
  definitions: BudgetDefinitions;
  dispatcher: WebhookDispatcher;
  close(): Promise<void>;
}

export interface BudgetsOptions {
  db: Kysely<Database>;
  bus: InvalidationBus;
  vault: Vault;
  logger: Logger;
  redis?: Redis;
  redisPrefix: string;
  allowPrivate: boolean;
  /** Another ledger (tests; the cluster primary's over IPC). Default: Redis when configured, else in process. */
  ledger?: BudgetLedger;
  now?: () => number;
  webhookPollMs?: number;
  webhookRetryBaseMs?: number;
}

/** Budgets, quotas and their alerts, as AppDeps.budgets holds them (built in deps.ts). */
export function createBudgets(o: BudgetsOptions): BudgetsRuntime {
  const repo = budgetRepo(o.db);
  const hooks = webhookRepo(o.db);
  const ledger = o.ledger ?? (o.redis ? new RedisLedger({ redis: o.redis, prefix: `${o.redisPrefix}budget:` }) : new MemoryLedger());
  const definitions = new BudgetDefinitions(repo, o.bus);
  const dispatcher = new WebhookDispatcher({
    repo: hooks, vault: o.vault, allowPrivate: o.allowPrivate, pollMs: o.webhookPollMs, retryBaseMs: o.webhookRetryBaseMs, now: o.now,
    onError: (e) => o.logger.warn({ err: (e as Error).message }, 'webhook dispatcher pass failed'),
  });
  const onCrossing = createAlertSink({
    repo, webhooks: hooks, now: o.now, kick: () => void dispatcher.kick(),
    onError: (e) => o.logger.warn({ err: (e as Error).message }, 'budget alert could not be recorded'),
  });
  const enforcer = new BudgetEnforcer({
    ledger, definitions, repo, now: o.now, onCrossing: (c) => void onCrossing(c),
    onError: (e, what) => o.logger.warn({ err: (e as Error).message }, `${what} failed`),
  });
  dispatcher.start();
  return { enforcer, definitions, dispatcher, close: () => dispatcher.close() };
}
