import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import { MemoryCooldownStore, type CooldownStore } from './cooldown-store.ts';
import { RedisCooldownStore } from './redis-cooldown-store.ts';
import type { Rng } from './weighted-pick.ts';

/**
 * Attempts per deployment. Labels are the model name, the deployment id ('primary' for a model's
 * own provider and key) and the provider type: never a key, a hash or a URL.
 */
export class RoutingMetrics {
  private readonly attempts: Counter;
  private readonly children = new Map<string, { inc(): void }>();

  constructor(registry: Registry) {
    this.attempts = new Counter({
      name: 'odock_deployment_attempts_total', help: 'Upstream attempts of routed calls, per model deployment and outcome',
      labelNames: ['model', 'deployment', 'provider', 'outcome'], registers: [registry],
    });
  }

  attempt(model: string, deploymentId: string | null, provider: string, outcome: string): void {
    const key = `${model}|${deploymentId}|${provider}|${outcome}`;
    let c = this.children.get(key);
    if (!c) this.children.set(key, (c = this.attempts.labels(model, deploymentId ?? 'primary', provider, outcome)));
    c.inc();
  }
}

/** The routing state an instance keeps: shared cooldowns, metrics, round-robin turns. */
export interface RoutingRuntime {
  cooldowns: CooldownStore;
  /** Rest after a failure without Retry-After (ROUTING_COOLDOWN_SECONDS). */
  defaultCooldownMs: number;
  metrics: RoutingMetrics;
  rng: Rng;
  /** The next round-robin turn of a rule (per instance: spreading needs no coordination). */
  nextTurn(ruleId: string): number;
}

export function createRoutingRuntime(opts: { redis?: Redis; redisPrefix: string; registry: Registry; defaultCooldownMs: number; onRedisError?: (e: unknown) => void; cooldowns?: CooldownStore }): RoutingRuntime {
  const turns = new Map<string, number>();
  return {
    cooldowns: opts.cooldowns ?? (opts.redis ? new RedisCooldownStore(opts.redis, opts.redisPrefix, opts.onRedisError) : new MemoryCooldownStore()),
    defaultCooldownMs: opts.defaultCooldownMs,
    metrics: new RoutingMetrics(opts.registry),
    rng: Math.random,
    nextTurn(ruleId) {
      const n = turns.get(ruleId) ?? 0;
      turns.set(ruleId, n + 1);
      return n;
    },
  };
}
