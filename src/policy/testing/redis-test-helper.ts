import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** A fail-fast connection like cache/redis-client.ts makes, so tests see production behaviour. */
export function connectRedis(url = TEST_REDIS_URL): Redis {
  const r = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 1000,
    retryStrategy: (times) => Math.min(50 * times, 500),
  });
  r.on('error', () => {});
  return r;
}

export function waitReady(r: Redis, ms = 2000): Promise<boolean> {
  if (r.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => { r.off('ready', ok); resolve(false); }, ms);
    const ok = () => { clearTimeout(t); resolve(true); };
    r.once('ready', ok);
  });
}

/**
 * The shared Redis at 127.0.0.1:6379, or a skip reason. Under CI an unreachable Redis fails
 * the test run loudly instead of skipping (helpers-common.md).
 */
export async function sharedRedisOrSkip(url = TEST_REDIS_URL): Promise<{ redis?: Redis; skip?: string }> {
  const redis = connectRedis(url);
  if (await waitReady(redis)) return { redis };
  redis.disconnect();
  const msg = `Redis not reachable at ${url}`;
  if (process.env.CI) throw new Error(`${msg} (CI is set: Redis tests must run)`);
  console.log(`# skipping Redis tests: ${msg}`);
  return { skip: msg };
}

export function uniquePrefix(label: string): string {
  return `test:policy:${label}:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  if (redis.status !== 'ready') return;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
