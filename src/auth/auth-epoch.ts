import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

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

export function authEpochStore(db: Kysely<Database>): AuthEpochStore {
  return {
    async read() {
      const row = await db.selectFrom('odock_meta').select('value').where('key', '=', KEY).executeTakeFirst();
      return row ? Number(row.value) : 0;
    },
    async bump() {
      // One statement on both dialects: atomic against concurrent bumps from other instances.
      const row = await db.insertInto('odock_meta').values({ key: KEY, value: '1' })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: sql<string>`cast(cast(odock_meta.value as bigint) + 1 as text)` }))
        .returning('value')
        .executeTakeFirstOrThrow();
      return Number(row.value);
    },
  };
}
