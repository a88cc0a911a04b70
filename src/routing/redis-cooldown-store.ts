import type { Redis } from 'ioredis';
import { HEALTH_WINDOW_MINUTES, MemoryCooldownStore, type CooldownStore, type DeploymentHealth } from './cooldown-store.ts';

// Keeps the later end: two instances cooling the same deployment never shorten each other's rest.
const COOL_LUA = `
local cur = tonumber(redis.call('GET', KEYS[1]))
local untilMs = tonumber(ARGV[1])
if cur == nil or cur < untilMs then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`;

const minuteOf = (ms: number) => Math.floor(ms / 60_000);

/**
 * Cooldowns shared by every instance through Redis: a deployment one instance saw failing is
 * skipped by all of them until its rest ends. Each instance also keeps what it learnt itself in
 * memory, so a Redis outage degrades to per-instance cooldowns instead of failing calls.
 */
export class RedisCooldownStore implements CooldownStore {
  private readonly local = new MemoryCooldownStore();

  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly onError: (e: unknown) => void = () => {}) {}

  private cdKey(key: string) {
    return `${this.prefix}routing:cd:${key}`;
  }

  private hsKey(key: string, minute: number) {
    return `${this.prefix}routing:hs:${key}:${minute}`;
  }

  async coolDown(key: string, untilMs: number): Promise<void> {
    this.local.coolDownSync(key, untilMs);
    const ttl = Math.max(1, untilMs - Date.now());
    try {
      await this.redis.eval(COOL_LUA, 1, this.cdKey(key), String(untilMs), String(ttl));
    } catch (e) {
      this.onError(e);
    }
  }

  async coolingUntil(keys: string[], nowMs: number): Promise<(number | null)[]> {
    const mine = this.local.coolingUntilSync(keys, nowMs);
    if (keys.length === 0) return mine;
    try {
      const shared = await this.redis.mget(keys.map((k) => this.cdKey(k)));
      return keys.map((_, i) => {
        const s = Number(shared[i]);
        const u = Math.max(Number.isFinite(s) ? s : 0, mine[i] ?? 0);
        return u > nowMs ? u : null;
      });
    } catch (e) {
      this.onError(e);
      return mine;
    }
  }

  async recordOutcome(key: string, ok: boolean, nowMs: number): Promise<void> {
    void this.local.recordOutcome(key, ok, nowMs);
    const k = this.hsKey(key, minuteOf(nowMs));
    try {
      await this.redis.multi().hincrby(k, ok ? 'ok' : 'err', 1).pexpire(k, (HEALTH_WINDOW_MINUTES + 1) * 60_000).exec();
    } catch (e) {
      this.onError(e);
    }
  }

  async health(keys: string[], nowMs: number): Promise<DeploymentHealth[]> {
    const until = await this.coolingUntil(keys, nowMs);
    const now = minuteOf(nowMs);
    try {
      const p = this.redis.pipeline();
      for (const key of keys) for (let m = now - HEALTH_WINDOW_MINUTES + 1; m <= now; m++) p.hgetall(this.hsKey(key, m));
      const rows = (await p.exec()) ?? [];
      return keys.map((key, i) => {
        let recentOk = 0;
        let recentErrors = 0;
        for (let j = 0; j < HEALTH_WINDOW_MINUTES; j++) {
          const h = (rows[i * HEALTH_WINDOW_MINUTES + j]?.[1] ?? {}) as Record<string, string>;
          recentOk += Number(h.ok ?? 0);
          recentErrors += Number(h.err ?? 0);
        }
        return { key, coolingUntil: until[i], recentOk, recentErrors };
      });
    } catch (e) {
      this.onError(e);
      const local = await this.local.health(keys, nowMs);
      return local.map((h, i) => ({ ...h, coolingUntil: until[i] }));
    }
  }
}
