import type { Kysely } from 'kysely';
import type { Database, ProviderTable } from '../schema.ts';

/** Providers (one per type per organisation). Every call is scoped to one organisation. */
export function providerRepo(db: Kysely<Database>) {
  return {
    listByOrg(orgId: string): Promise<ProviderTable[]> {
      return db.selectFrom('providers').selectAll().where('organisation_id', '=', orgId).execute();
    },
    find(orgId: string, providerId: string): Promise<ProviderTable | undefined> {
      return db.selectFrom('providers').selectAll().where('organisation_id', '=', orgId).where('id', '=', providerId).executeTakeFirst();
    },
    async insert(row: ProviderTable): Promise<void> {
      await db.insertInto('providers').values(row).execute();
    },
    async update(orgId: string, providerId: string, set: Partial<ProviderTable>): Promise<void> {
      await db.updateTable('providers').set(set).where('id', '=', providerId).where('organisation_id', '=', orgId).execute();
    },
    /** Its keys and models go with it (foreign-key cascade). */
    async delete(orgId: string, providerId: string): Promise<void> {
      await db.deleteFrom('providers').where('id', '=', providerId).where('organisation_id', '=', orgId).execute();
    },
  };
}
export type ProviderRepo = ReturnType<typeof providerRepo>;
