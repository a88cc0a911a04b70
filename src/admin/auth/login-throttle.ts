import type { Redis } from 'ioredis';
import { sha256Hex } from '../../crypto/tokens.ts';

/**
 * Failed password attempts per email and per client IP, in fixed windows. With Redis the counters
 * are shared by every instance (an attacker cannot spread guesses over replicas); without it, or
 * while Redis is unreachable, they live in this process.
 */
export interface LoginThrottleOptions {
  maxFailures: number;
  windowSeconds: number;
  redis?: Redis;
  redisPrefix?: string;
  /** Milliseconds since the epoch; tests inject a clock for the in-process counters. */
  now?: () => number;
  onRedisError?: (err: unknown) => void;
}

export interface ThrottleKeys {
  email: string;
  ip?: string;
}

// INCR, and start the window on the first failure only (a fixed window, not a sliding one).
const FAIL_LUA = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

export class LoginThrottle {
  private readonly local = new Map<string, { count: number; resetAt: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: LoginThrottleOptions) {
    this.now = opts.now ?? Date.now;
  }

  private keys(k: ThrottleKeys): string[] {
    const out = [`email:${sha256Hex(k.email.toLowerCase())}`];
    if (k.ip) out.push(`ip:${k.ip}`);
    return out;
  }

  private redisKey(key: string): string {
    return `${this.opts.redisPrefix ?? 'odock:'}login:${key}`;
  }

  /** Seconds until another attempt is allowed, or 0 when one may be tried now. */
  async retryAfter(k: ThrottleKeys): Promise<number> {
    let wait = 0;
    for (const key of this.keys(k)) wait = Math.max(wait, await this.blockedFor(key));
    return wait;
  }

  async recordFailure(k: ThrottleKeys): Promise<void> {
    for (const key of this.keys(k)) await this.increment(key);
  }

  /** A success clears the email's counter; the IP's stays, so one's own login cannot unlock guessing. */
  async recordSuccess(k: ThrottleKeys): Promise<void> {
    const [emailKey] = this.keys(k);
    this.local.delete(emailKey);
    if (this.opts.redis) await this.opts.redis.del(this.redisKey(emailKey)).catch((e) => this.opts.onRedisError?.(e));
  }

  private async blockedFor(key: string): Promise<number> {
    if (this.opts.redis) {
      try {
        const rk = this.redisKey(key);
        const [[, count], [, ttl]] = (await this.opts.redis.multi().get(rk).ttl(rk).exec()) as [[unknown, string | null], [unknown, number]];
        if (Number(count ?? 0) < this.opts.maxFailures) return 0;
        return Math.max(1, ttl);
      } catch (e) {
        this.opts.onRedisError?.(e);
      }
    }
    const entry = this.localEntry(key);
    if (!entry || entry.count < this.opts.maxFailures) return 0;
    return Math.max(1, Math.ceil((entry.resetAt - this.now()) / 1000));
  }

  private async increment(key: string): Promise<void> {
    if (this.opts.redis) {
      try {
        await this.opts.redis.eval(FAIL_LUA, 1, this.redisKey(key), String(Math.max(1, this.opts.windowSeconds)));
        return;
      } catch (e) {
        this.opts.onRedisError?.(e);
      }
    }
    const entry = this.localEntry(key) ?? { count: 0, resetAt: this.now() + this.opts.windowSeconds * 1000 };
    entry.count++;
    this.local.set(key, entry);
    // Forget ended windows now and then, so a spray of emails does not grow the map for ever.
    if (this.local.size > 10_000) for (const [k] of this.local) if (!this.localEntry(k)) this.local.delete(k);
  }

  private localEntry(key: string) {
    const e = this.local.get(key);
    if (e && e.resetAt <= this.now()) {
      this.local.delete(key);
      return undefined;
    }
    return e;
  }
}
