import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BudgetLedger, CounterState, HoldRef, LedgerCounter, ReserveResult, SettleItem, SettleResult } from './budget-ledger.ts';
import { PEEK_LUA, RESERVE_LUA, SETTLE_LUA } from './redis-ledger.lua.ts';

interface Script {
  src: string;
  sha: string;
}
const script = (src: string): Script => ({ src, sha: createHash('sha1').update(src).digest('hex') });
const RESERVE = script(RESERVE_LUA);
const SETTLE = script(SETTLE_LUA);
const PEEK = script(PEEK_LUA);

/**
 * The ledger shared by every instance: one EVALSHA reserves on every counter of a call or on none.
 * Keys of one call span hash slots, so Redis Cluster is not supported (as for the rate limiter).
 * A Redis error propagates: the budget gate decides what a missing ledger means (it refuses,
 * store_unavailable, rather than let spend through unchecked).
 */
export class RedisLedger implements BudgetLedger {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly prefix: string;

  private readonly now?: () => number;

  /** `now`: a clock for lease expiry in tests; omitted, the Redis server's TIME decides. */
  constructor(opts: { redis: Redis; prefix?: string; now?: () => number }) {
    this.redis = opts.redis;
    this.prefix = opts.prefix ?? '';
    this.now = opts.now;
  }

  async reserve(counters: LedgerCounter[], hold: HoldRef): Promise<ReserveResult> {
    const args: (string | number)[] = [this.now ? this.now() : '', hold.id, Math.max(1, Math.round(hold.ttlMs))];
    for (const c of counters) args.push(int(c.limit), int(c.amount), c.enforce ? 1 : 0, ttl(c.ttlMs), c.base === undefined ? -1 : int(c.base));
    const r = (await this.run(RESERVE, counters.map((c) => this.prefix + c.key), args)) as number[];
    if (r[0] === 2) return { ok: false, reason: 'missing', indexes: r.slice(1).map((i) => Number(i) - 1) };
    if (r[0] === 0) return { ok: false, reason: 'exceeded', index: Number(r[1]) - 1, state: { spent: Number(r[2]), reserved: Number(r[3]) } };
    const states: CounterState[] = [];
    for (let i = 0; i < counters.length; i++) states.push({ spent: Number(r[1 + 2 * i]), reserved: Number(r[2 + 2 * i]) });
    return { ok: true, states };
  }

  async settle(items: SettleItem[]): Promise<SettleResult[]> {
    if (items.length === 0) return [];
    const args: (string | number)[] = [];
    for (const it of items) args.push(it.holdId, int(it.actual), ttl(it.ttlMs));
    const r = (await this.run(SETTLE, items.map((it) => this.prefix + it.key), args)) as number[];
    return items.map((_, i) => (Number(r[2 * i]) < 0 ? null : { before: Number(r[2 * i]), after: Number(r[2 * i + 1]) }));
  }

  async peek(keys: string[]): Promise<(CounterState | null)[]> {
    if (keys.length === 0) return [];
    const r = (await this.run(PEEK, keys.map((k) => this.prefix + k), [this.now ? this.now() : ''])) as number[];
    return keys.map((_, i) => (Number(r[2 * i]) < 0 ? null : { spent: Number(r[2 * i]), reserved: Number(r[2 * i + 1]) }));
  }

  /** EVALSHA, loading the script on NOSCRIPT (first use, or after a Redis restart or SCRIPT FLUSH). */
  private async run(s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return await this.redis.eval(s.src, keys.length, ...keys, ...args);
    }
  }
}

const int = (n: number) => Math.max(0, Math.round(n));
const ttl = (ms: number | null) => (ms === null ? -1 : Math.max(1, Math.round(ms)));
