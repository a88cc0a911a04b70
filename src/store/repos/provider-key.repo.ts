import type { Kysely } from 'kysely';
import type { Database, ProviderKeyTable } from '../schema.ts';
import { pageQuery, type PageParams } from './paging.ts';

/** Provider keys (ciphertext only), scoped to an organisation and provider. */
export function providerKeyRepo(db: Kysely<Database>) {
  return {
    listPage(orgId: string, providerId: string, p: PageParams): Promise<ProviderKeyTable[]> {
      return pageQuery(db.selectFrom('provider_keys').selectAll().where('provider_id', '=', providerId).where('organisation_id', '=', orgId), 'provider_keys', p).execute();
    },
    find(orgId: string, providerId: string, keyId: string): Promise<ProviderKeyTable | undefined> {
      return db.selectFrom('provider_keys').selectAll().where('organisation_id', '=', orgId).where('provider_id', '=', providerId).where('id', '=', keyId).executeTakeFirst();
    },
    async insert(row: ProviderKeyTable): Promise<void> {
      await db.insertInto('provider_keys').values(row).execute();
    },
    async revoke(orgId: string, keyId: string): Promise<void> {
      await db.updateTable('provider_keys').set({ revoked: 1 }).where('id', '=', keyId).where('organisation_id', '=', orgId).execute();
    },
    async delete(orgId: string, keyId: string): Promise<void> {
      await db.deleteFrom('provider_keys').where('id', '=', keyId).where('organisation_id', '=', orgId).execute();
    },
  };
}
export type ProviderKeyRepo = ReturnType<typeof providerKeyRepo>;
