import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  LimiterUnavailableError,
  type AcquireResult, type CheckState, type FinishOp, type LimitCheck, type LimiterStore,
} from './limiter-store.ts';
import { ACQUIRE_LUA, FINISH_LUA, RENEW_LUA } from './redis-limiter.lua.ts';

export interface RedisLimiterOptions {
  redis: Redis;
  /** Prepended to every key (REDIS_KEY_PREFIX; tests use a unique one). */
  prefix?: string;
  /** Clock in epoch ms; omit in production so that Redis's own TIME decides window boundaries. */
  now?: () => number;
}

interface Script {
  src: string;
  sha: string;
}

const script = (src: string): Script => ({ src, sha: createHash('sha1').update(src).digest('hex') });
const ACQUIRE = script(ACQUIRE_LUA);
const FINISH = script(FINISH_LUA);
const RENEW = script(RENEW_LUA);

/**
 * Limiter shared by every instance through Redis. All checks of a request are one EVALSHA: every
 * scope's limits are evaluated and committed together or not at all. Keys of different scopes
 * live in different hash slots, so Redis Cluster is not supported (a single primary, optionally
 * with replicas/Sentinel, is).
 *
 * Any Redis failure (not connected, timeout, error reply) surfaces as LimiterUnavailableError;
 * the connection is expected to fail fast (enableOfflineQueue off, short commandTimeout, as
 * cache/redis-client.ts creates it) so the engine can fall back without waiting.
 */
export class RedisLimiter implements LimiterStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly now?: () => number;

  constructor(opts: RedisLimiterOptions) {
    this.redis = opts.redis;
    this.prefix = opts.prefix ?? '';
    this.now = opts.now;
  }

  async acquire(checks: readonly LimitCheck[], leaseId: string): Promise<AcquireResult> {
    const r = (await this.run(ACQUIRE, this.keys(checks), this.checkArgs(checks, 'c', leaseId))) as number[];
    if (r[0] === 1) return { ok: true, at: Number(r[1]) };
    return { ok: false, index: Number(r[1]) - 1, retryAfterMs: Number(r[2]) };
  }

  async peek(checks: readonly LimitCheck[]): Promise<CheckState[]> {
    const r = (await this.run(ACQUIRE, this.keys(checks), this.checkArgs(checks, 'p', ''))) as number[];
    const out: CheckState[] = [];
    for (let i = 0; i < checks.length; i++) {
      out.push({ ok: r[3 * i] === 1, used: Number(r[3 * i + 1]), retryAfterMs: Number(r[3 * i + 2]) });
    }
    return out;
  }

  async finish(op: FinishOp): Promise<void> {
    const adj = op.adjustments.filter((a) => a.delta !== 0);
    if (adj.length === 0 && op.leaseKeys.length === 0) return;
    const keys: string[] = [];
    const args: (string | number)[] = [this.clock(), op.leaseId, adj.length];
    for (const a of adj) {
      keys.push(this.prefix + a.key);
      args.push(a.windowMs, a.at, a.delta);
    }
    for (const k of op.leaseKeys) keys.push(this.prefix + k);
    await this.run(FINISH, keys, args);
  }

  async renew(leaseKeys: readonly string[], leaseId: string, ttlMs: number): Promise<void> {
    if (leaseKeys.length === 0) return;
    await this.run(RENEW, leaseKeys.map((k) => this.prefix + k), [this.clock(), leaseId, ttlMs]);
  }

  private clock(): number | string {
    return this.now ? this.now() : '';
  }

  private keys(checks: readonly LimitCheck[]): string[] {
    const keys = new Array<string>(checks.length);
    for (let i = 0; i < checks.length; i++) keys[i] = this.prefix + checks[i].key;
    return keys;
  }

  private checkArgs(checks: readonly LimitCheck[], mode: 'c' | 'p', leaseId: string): (string | number)[] {
    const args: (string | number)[] = [this.clock(), mode, leaseId];
    for (const c of checks) {
      if (c.kind === 'window') args.push('w', c.limit, c.windowMs, c.cost);
      else if (c.kind === 'bucket') args.push('b', c.capacity, c.refillPerSec, 0);
      else args.push('l', c.max, c.ttlMs, 0);
    }
    return args;
  }

  /** EVALSHA, loading the script on NOSCRIPT (first use, or after a Redis restart or SCRIPT FLUSH). */
  private async run(s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (this.redis.status !== 'ready') throw new LimiterUnavailableError(`Redis is not ready (${this.redis.status})`);
    try {
      try {
        return await this.redis.evalsha(s.sha, keys.length, ...keys, ...args);
      } catch (e) {
        if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
        return await this.redis.eval(s.src, keys.length, ...keys, ...args);
      }
    } catch (e) {
      throw new LimiterUnavailableError(`Redis limiter failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}
