import type { Redis } from 'ioredis';
import { GatewayError } from '../errors/index.ts';
import { MemoryCache } from '../cache/memory-cache.ts';
import type { InvalidationBus, InvalidationEvent } from '../cache/invalidation-bus.ts';
import { isRedisReady } from '../cache/redis-client.ts';
import type { AuthEntry, ResolvedAuth } from './auth-entry.ts';
import { hashKey, isWellFormedKey } from './key-format.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface KeyStoreLookup {
  /** Loads the key by hash with its grants and stacked policies; null when unknown. */
  findAuthEntryByHash(hash: string): Promise<AuthEntry | null>;
}

export interface KeyLookupOptions {
  store: KeyStoreLookup;
  bus: InvalidationBus;
  redis?: Redis;
  redisPrefix: string;
  positiveTtlMs: number;
  negativeTtlMs: number;
  metrics?: Metrics;
}

type L1Value = { entry: ResolvedAuth | null; gen: number };

/**
 * Read-through key lookup: L1 (in-process) → L2 (Redis, keyed by SHA-256 hex of the raw key,
 * never the key) → store. Failure behaviour: any Redis error or timeout is a miss, never a 401;
 * the store is the authority. L1 is bypassed while the invalidation bus is unhealthy, because
 * this instance could then miss a revoke.
 */
export class KeyLookup {
  private readonly l1 = new MemoryCache<L1Value>();
  private readonly orgGen = new Map<string, number>();
  private globalGen = 0;
  /** Bumped by every event: a store load that overlaps one is not cached. */
  private seq = 0;

  constructor(private readonly o: KeyLookupOptions) {
    o.bus.subscribe((e) => this.apply(e));
  }

  private apply(e: InvalidationEvent) {
    this.seq++;
    if (e.kind === 'all') {
      this.globalGen++;
      this.l1.clear();
    } else if (e.kind === 'org') this.orgGen.set(e.orgId, (this.orgGen.get(e.orgId) ?? 0) + 1);
    else this.l1.delete(e.hash);
  }

  private gen(orgId: string | undefined) {
    return this.globalGen * 1_000_003 + (orgId ? this.orgGen.get(orgId) ?? 0 : 0);
  }

  /** Authenticates a raw credential; throws the catalogued 401s. */
  async authenticate(raw: string | undefined, now = Date.now()): Promise<ResolvedAuth> {
    if (!raw || !isWellFormedKey(raw)) throw new GatewayError('unauthorized', 'Missing or invalid API key');
    const hash = hashKey(raw);
    const entry = await this.lookup(hash, now);
    if (!entry) throw new GatewayError('unauthorized', 'Missing or invalid API key');
    if (entry.revoked) throw new GatewayError('api_key_revoked', 'This API key has been revoked');
    if (entry.expiresAt !== null && entry.expiresAt <= now) throw new GatewayError('api_key_expired', 'This API key has expired');
    return entry;
  }

  private async lookup(hash: string, now: number): Promise<ResolvedAuth | null> {
    const m = this.o.metrics;
    const trustL1 = this.o.bus.healthy;
    if (trustL1) {
      const hit = this.l1.get(hash, now);
      if (hit && hit.gen === this.gen(hit.entry?.orgId)) {
        m?.cacheHit('l1');
        return hit.entry;
      }
    }
    m?.cacheMiss('l1');
    const redis = this.o.redis;
    const l2Key = `${this.o.redisPrefix}auth:${hash}`;
    const seqBefore = this.seq;
    if (redis && isRedisReady(redis)) {
      try {
        const text = await redis.get(l2Key);
        if (text !== null) {
          m?.cacheHit('l2');
          const entry = text === 'null' ? null : resolve(JSON.parse(text) as AuthEntry);
          if (trustL1 && seqBefore === this.seq) this.remember(hash, entry, now);
          return entry;
        }
        m?.cacheMiss('l2');
      } catch {
        m?.redisError();
      }
    }
    const fromStore = await this.o.store.findAuthEntryByHash(hash);
    m?.storeLookup();
    const entry = fromStore ? resolve(fromStore) : null;
    // An invalidation that raced this load makes its result suspect: do not cache it.
    if (seqBefore !== this.seq) return entry;
    const ttl = this.ttlFor(entry, now);
    if (trustL1) this.remember(hash, entry, now);
    if (redis && isRedisReady(redis) && ttl > 0) {
      const multi = redis.multi().set(l2Key, entry ? JSON.stringify(fromStore) : 'null', 'PX', ttl);
      if (entry) multi.sadd(`${this.o.redisPrefix}auth-org:${entry.orgId}`, hash).pexpire(`${this.o.redisPrefix}auth-org:${entry.orgId}`, this.o.positiveTtlMs + 60_000);
      multi.exec().catch(() => m?.redisError());
    }
    return entry;
  }

  private ttlFor(entry: ResolvedAuth | null, now: number): number {
    if (!entry) return this.o.negativeTtlMs;
    // A positive entry never outlives the key's expiry; an expired key is cached briefly as such.
    if (entry.expiresAt !== null && entry.expiresAt > now) return Math.min(this.o.positiveTtlMs, entry.expiresAt - now);
    return this.o.positiveTtlMs;
  }

  private remember(hash: string, entry: ResolvedAuth | null, now: number) {
    this.l1.set(hash, { entry, gen: this.gen(entry?.orgId) }, this.ttlFor(entry, now), now);
  }

  /** Drops the Redis (L2) entries an event affects; the bus handles every instance's L1. */
  async dropShared(e: InvalidationEvent): Promise<void> {
    const redis = this.o.redis;
    if (!redis || !isRedisReady(redis)) return;
    const p = this.o.redisPrefix;
    try {
      if (e.kind === 'hash') await redis.del(`${p}auth:${e.hash}`);
      else if (e.kind === 'org') {
        const setKey = `${p}auth-org:${e.orgId}`;
        const hashes = await redis.smembers(setKey);
        if (hashes.length) await redis.del(...hashes.map((h) => `${p}auth:${h}`));
        await redis.del(setKey);
      } else {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${p}auth*`, 'COUNT', 500);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      }
    } catch {
      this.o.metrics?.redisError();
    }
  }
}

function resolve(e: AuthEntry): ResolvedAuth {
  return { ...e, modelIdSet: new Set(e.modelIds), mcpServerIdSet: new Set(e.mcpServerIds) };
}
