import { Redis } from 'ioredis';

/**
 * Redis connections fail fast while Redis is unreachable (no offline queue, short command
 * timeout) so that callers fall back to the store instead of hanging; ioredis keeps
 * reconnecting in the background and `ready` flips back when Redis returns.
 */
export function createRedis(url: string, name: string): Redis {
  const r = new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2000,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(50 * times, 1000),
  });
  // Errors are reported through health and metrics; an unhandled 'error' event would crash.
  r.on('error', () => {});
  return r;
}

export function isRedisReady(r: Redis | undefined): boolean {
  return r?.status === 'ready';
}
