import type { Redis } from 'ioredis';
import { GatewayError } from '../errors/index.ts';
import { MemoryCache } from '../cache/memory-cache.ts';
import type { InvalidationBus, InvalidationEvent } from '../cache/invalidation-bus.ts';
import { isRedisReady } from '../cache/redis-client.ts';
import type { AuthEntry, ResolvedAuth } from './auth-entry.ts';
import { hashKey, isWellFormedKey } from './key-format.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { AuthEpochStore } from './auth-epoch.ts';

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
  /** Required with Redis: what Redis entries are checked against (see auth-epoch.ts). */
  epochs?: AuthEpochStore;
  /** How long an admin call whose invalidation missed Redis waits for it to replay (default 1.5 s). */
  replayWaitMs?: number;
}

type L1Value = { entry: ResolvedAuth | null; gen: number };
const REPLAY_RETRY_MS = 250;

/**
 * Read-through key lookup: L1 (in-process) → L2 (Redis, keyed by SHA-256 hex of the raw key,
 * never the key) → store. Failure behaviour: any Redis error or timeout is a miss, never a 401;
 * the store is the authority. L1 and L2 are bypassed while the invalidation bus is unhealthy,
 * because this instance could then miss a revoke.
 *
 * Redis may come back from an outage holding entries that an admin change made meanwhile should
 * have dropped. So an L2 entry carries the store's auth epoch it was built under, an instance
 * reads the epoch from the store once per bus session (after every reconnect), and an entry
 * older than that epoch is ignored; every change whose drop or publish failed bumps the epoch
 * before the admin call returns, then is replayed to every instance once Redis is back.
 */
export class KeyLookup {
  private readonly l1 = new MemoryCache<L1Value>();
  private readonly orgGen = new Map<string, number>();
  private globalGen = 0;
  /** Bumped by every event: a store load that overlaps one is not cached. */
  private seq = 0;
  /** The store's auth epoch as read in a bus session; L2 entries older than it are ignored. */
  private verified: { session: number; epoch: number } | undefined;
  private verifying: Promise<void> | undefined;
  /** The highest epoch this instance bumped to itself. */
  private bumped = 0;
  /** A change did not reach Redis: replay it to every instance once the bus is back. */
  private owed = false;
  private replayTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: KeyLookupOptions) {
    o.bus.subscribe((e) => this.apply(e));
  }

  private apply(e: InvalidationEvent) {
    this.seq++;
    if (e.kind === 'all') {
      this.globalGen++;
      this.l1.clear();
      // Sent on reconnects and by replays: the epoch may have moved while this instance was deaf.
      this.verified = undefined;
      if (this.owed) this.scheduleReplay(0);
    } else if (e.kind === 'org') this.orgGen.set(e.orgId, (this.orgGen.get(e.orgId) ?? 0) + 1);
    else this.l1.delete(e.hash);
  }

  private gen(orgId: string | undefined) {
    return this.globalGen * 1_000_003 + (orgId ? this.orgGen.get(orgId) ?? 0 : 0);
  }

  /** Authenticates a raw credential; throws the catalogued 401s. */
  async authenticate(raw: string | undefined, now = Date.now()): Promise<ResolvedAuth> {
    if (!raw || !isWellFormedKey(raw)) throw new GatewayError('unauthorized', 'Missing or invalid API key');
    return this.authenticateHash(hashKey(raw), now);
  }

  /** The same checks for a key known by its stored hash (the console's playground acts as a key record, never holding its secret). */
  async authenticateHash(hash: string, now = Date.now()): Promise<ResolvedAuth> {
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
    // The epoch an L2 entry must carry to be believed (undefined: L2 not usable now). Read before
    // the store load, so an entry written back below never claims more than it saw.
    const floor = redis && isRedisReady(redis) ? this.floor() ?? (await this.verify()) : undefined;
    const seqBefore = this.seq;
    if (redis && floor !== undefined) {
      try {
        const cached = decodeL2(await redis.get(l2Key));
        if (cached && cached.epoch >= floor) {
          m?.cacheHit('l2');
          const entry = cached.entry ? resolve(cached.entry) : null;
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
    if (redis && floor !== undefined && isRedisReady(redis) && ttl > 0) {
      const multi = redis.multi().set(l2Key, encodeL2(fromStore, floor), 'PX', ttl);
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

  /** The verified epoch of the current bus session, if any. */
  private floor(): number | undefined {
    const v = this.verified;
    return v && this.o.bus.healthy && v.session === this.o.bus.session ? v.epoch : undefined;
  }

  /** Reads the store's epoch for this bus session (one query per session, shared by callers). */
  private async verify(): Promise<number | undefined> {
    if (!this.o.bus.healthy) return undefined;
    if (!this.o.epochs) {
      this.verified = { session: this.o.bus.session, epoch: 0 };
      return this.floor();
    }
    const epochs = this.o.epochs;
    this.verifying ??= (async () => {
      const session = this.o.bus.session;
      const seq = this.seq;
      try {
        const epoch = Math.max(await epochs.read(), this.bumped);
        // A reconnect or an event meanwhile may have moved the epoch again: verify next time.
        if (session === this.o.bus.session && seq === this.seq) this.verified = { session, epoch };
      } catch {
        // The store is down: L2 stays unused and lookups go to the store, which answers for itself.
      }
    })().finally(() => (this.verifying = undefined));
    await this.verifying;
    return this.floor();
  }

  /**
   * An invalidation could not be applied to Redis (drop or publish failed). Before the admin
   * call returns, the store's epoch moves past every L2 entry written so far, so no instance
   * trusts them after its next reconnect. The change is then replayed ({kind:'all'}: every
   * instance clears L1 and re-reads the epoch) for instances that never lost Redis or verified
   * before the bump: at once if this instance's bus comes back within `replayWaitMs` (Redis just
   * restarted and peers reconnected first), else in the background as soon as it can publish.
   */
  async missedInvalidation(): Promise<void> {
    this.owed = true;
    if (!this.o.epochs) return;
    const epoch = await this.o.epochs.bump();
    this.bumped = Math.max(this.bumped, epoch);
    if (this.verified) this.verified = { ...this.verified, epoch: Math.max(this.verified.epoch, epoch) };
    const until = Date.now() + (this.o.replayWaitMs ?? 1500);
    while (!this.o.bus.healthy && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    if (!(await this.replay())) this.scheduleReplay(REPLAY_RETRY_MS);
  }

  private replaying = false;

  /** No replay of a missed invalidation is owed or under way (every instance has heard it). */
  get replayed(): boolean {
    return !this.owed && !this.replaying;
  }

  /** One replay attempt; true when nothing is owed any more. */
  private async replay(): Promise<boolean> {
    if (!this.owed) return true;
    if (!this.o.bus.healthy) return false;
    this.owed = false;
    this.replaying = true;
    try {
      if (await this.o.bus.publish({ kind: 'all' })) return true;
      this.owed = true;
      return false;
    } finally {
      this.replaying = false;
    }
  }

  private scheduleReplay(delayMs: number) {
    if (this.replayTimer || !this.owed) return;
    this.replayTimer = setTimeout(() => {
      this.replayTimer = undefined;
      void this.replay().then((done) => {
        if (!done) this.scheduleReplay(REPLAY_RETRY_MS);
      });
    }, delayMs);
    this.replayTimer.unref();
  }

  /**
   * Drops the Redis (L2) entries an event affects; the bus handles every instance's L1. Answers
   * false when Redis could not be reached, so the caller can record the miss.
   */
  async dropShared(e: InvalidationEvent): Promise<boolean> {
    const redis = this.o.redis;
    if (!redis) return true;
    if (!isRedisReady(redis)) return false;
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
      return true;
    } catch {
      this.o.metrics?.redisError();
      return false;
    }
  }
}

/**
 * L2 values: a positive entry is its JSON with the epoch added (older instances read it as
 * before); a negative one is `null:<epoch>`, which older instances cannot parse and treat as a
 * miss. Values without an epoch (written before epochs existed) are never trusted.
 */
function encodeL2(entry: AuthEntry | null, epoch: number): string {
  return entry ? JSON.stringify({ ...entry, epoch }) : `null:${epoch}`;
}

function decodeL2(text: string | null): { entry: AuthEntry | null; epoch: number } | undefined {
  if (text === null) return undefined;
  if (text.startsWith('null:')) return { entry: null, epoch: Number(text.slice(5)) };
  if (!text.startsWith('{')) return undefined;
  const { epoch, ...entry } = JSON.parse(text) as AuthEntry & { epoch?: unknown };
  return typeof epoch === 'number' ? { entry, epoch } : undefined;
}

function resolve(e: AuthEntry): ResolvedAuth {
  return { ...e, modelIdSet: new Set(e.modelIds), mcpServerIdSet: new Set(e.mcpServerIds) };
}
