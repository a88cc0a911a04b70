import type { Kysely } from 'kysely';
import type { Database, InvitationTable } from '../schema.ts';
import type { PageParams } from './paging.ts';
import { pageQuery } from './paging.ts';

/** Invitations to join an organisation, stored by the hash of their token. `now` bounds what is still live. */
export function invitationRepo(db: Kysely<Database>) {
  return {
    async listLivePage(orgId: string, now: string, page: PageParams): Promise<InvitationTable[]> {
      return pageQuery(db.selectFrom('invitations').selectAll()
        .where('organisation_id', '=', orgId).where('expires_at', '>', now), 'invitations', page).execute();
    },
    async findLiveByTokenHash(tokenHash: string, now: string): Promise<InvitationTable | undefined> {
      return db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).where('expires_at', '>', now).executeTakeFirst();
    },
    async findLive(orgId: string, invitationId: string, now: string): Promise<InvitationTable | undefined> {
      return db.selectFrom('invitations').selectAll().where('id', '=', invitationId).where('organisation_id', '=', orgId).where('expires_at', '>', now).executeTakeFirst();
    },
    async insert(inv: InvitationTable): Promise<void> {
      await db.insertInto('invitations').values(inv).execute();
    },
    /** False when the organisation has no such invitation. */
    async delete(orgId: string, invitationId: string): Promise<boolean> {
      const r = await db.deleteFrom('invitations').where('id', '=', invitationId).where('organisation_id', '=', orgId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async deleteForEmail(orgId: string, email: string): Promise<void> {
      await db.deleteFrom('invitations').where('organisation_id', '=', orgId).where('email', '=', email).execute();
    },
  };
}

export type InvitationRepo = ReturnType<typeof invitationRepo>;
