import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** The store's own key/value records (odock_meta): the master-key canary, the auth epoch. */
export function metaRepo(db: Kysely<Database>) {
  const get = async (key: string): Promise<string | undefined> =>
    (await db.selectFrom('odock_meta').select('value').where('key', '=', key).executeTakeFirst())?.value;
  return {
    get,
    async insert(key: string, value: string): Promise<void> {
      await db.insertInto('odock_meta').values({ key, value }).execute();
    },
    /** A counter record: 0 until first incremented. */
    async readCounter(key: string): Promise<number> {
      const value = await get(key);
      return value ? Number(value) : 0;
    },
    /** Increments a counter and answers the new value. */
    async incrementCounter(key: string): Promise<number> {
      // One statement on both dialects: atomic against concurrent increments from other instances.
      const row = await db.insertInto('odock_meta').values({ key, value: '1' })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: sql<string>`cast(cast(odock_meta.value as bigint) + 1 as text)` }))
        .returning('value')
        .executeTakeFirstOrThrow();
      return Number(row.value);
    },
  };
}

export type MetaRepo = ReturnType<typeof metaRepo>;
