import type { MetaRepo } from '../store/repos/meta.repo.ts';

/**
 * The store-owned auth epoch: a counter in `odock_meta` bumped whenever an auth-relevant change
 * could not be applied to Redis (Redis unreachable, a failed drop or publish). Redis entries
 * carry the epoch they were built under; after any reconnect an instance reads the epoch once
 * and trusts no Redis entry built under an older one. Redis can come back from an outage with
 * whatever data it kept; the store cannot, so the store decides.
 */
export interface AuthEpochStore {
  read(): Promise<number>;
  /** Increments the epoch and answers the new value. */
  bump(): Promise<number>;
}

const KEY = 'auth_epoch';

/** The epoch is a counter among the store's meta records (see meta.repo.ts for its atomic increment). */
export function authEpochStore(meta: Pick<MetaRepo, 'readCounter' | 'incrementCounter'>): AuthEpochStore {
  return {
    read: () => meta.readCounter(KEY),
    bump: () => meta.incrementCounter(KEY),
  };
}
