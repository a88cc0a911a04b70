import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config/env.ts';
import type { Store } from './store/db.ts';
import type { Vault } from './crypto/envelope.ts';
import type { InvalidationBus, InvalidationEvent } from './cache/invalidation-bus.ts';
import type { KeyLookup } from './auth/key-lookup.ts';
import type { Metrics } from './ops/metrics.ts';
import type { UsageWriter } from './usage/usage-writer.ts';
import type { OrgRoutes } from './access/org-routes.ts';
import type { PolicyEngine, ClientIpResolver } from './policy/index.ts';
import type { ResponseItemStore } from './surfaces/openai/response-items.ts';
import type { RoutingRuntime } from './routing/routing-runtime.ts';
import type { Tracer } from './ops/tracing/span-handle.ts';
import type { BudgetsRuntime } from './budgets/index.ts';

/** Everything the route groups depend on, built once in main.ts (or a test). */
export interface AppDeps {
  config: Readonly<Config>;
  store: Store;
  vault: Vault;
  bus: InvalidationBus;
  redis?: Redis;
  keyLookup: KeyLookup;
  orgRoutes: OrgRoutes;
  metrics: Metrics;
  logger: Logger;
  usage: UsageWriter;
  /** Policy checks (counters in Redis when shared, in process otherwise). */
  policy: PolicyEngine;
  clientIp: ClientIpResolver;
  /** Output items the Responses surface answered, for clients that refer back to them. */
  responseItems: ResponseItemStore;
  /** Deployment cooldowns (shared through Redis when configured), routing metrics, round-robin turns. */
  routing: RoutingRuntime;
  /** Drops the affected cache entries on every instance; resolves once they are gone. */
  invalidate(e: InvalidationEvent): Promise<void>;
  /** OpenTelemetry tracing; undefined (nothing loaded) unless OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracer?: Tracer;
  /** Budgets and quotas: definitions cache, ledger, alerts and the webhook dispatcher. */
  budgets: BudgetsRuntime;
}
