import type { Kysely } from 'kysely';
import type { Database, TeamMemberTable, TeamTable, UserTable } from '../schema.ts';
import type { PageParams } from './paging.ts';
import { pageQuery } from './paging.ts';

/** Teams and their members (team_members). Every statement is scoped by organisation. */
export function teamRepo(db: Kysely<Database>) {
  return {
    async listPage(orgId: string, page: PageParams): Promise<TeamTable[]> {
      return pageQuery(db.selectFrom('teams').selectAll().where('organisation_id', '=', orgId), 'teams', page).execute();
    },
    async find(orgId: string, teamId: string): Promise<TeamTable | undefined> {
      return db.selectFrom('teams').selectAll().where('organisation_id', '=', orgId).where('id', '=', teamId).executeTakeFirst();
    },
    /** Throws the store's unique violation when the name is taken in the organisation. */
    async insert(team: TeamTable): Promise<void> {
      await db.insertInto('teams').values(team).execute();
    },
    async update(orgId: string, teamId: string, set: Partial<Pick<TeamTable, 'name' | 'policies' | 'updated_at'>>): Promise<void> {
      await db.updateTable('teams').set(set).where('id', '=', teamId).where('organisation_id', '=', orgId).execute();
    },
    /** The team's keys and memberships go with it (foreign-key cascade). */
    async delete(orgId: string, teamId: string): Promise<void> {
      await db.deleteFrom('teams').where('id', '=', teamId).where('organisation_id', '=', orgId).execute();
    },
    async listMembersPage(orgId: string, teamId: string, page: PageParams): Promise<UserTable[]> {
      return pageQuery(db.selectFrom('users').innerJoin('team_members', 'team_members.user_id', 'users.id')
        .selectAll('users').where('team_members.team_id', '=', teamId).where('users.organisation_id', '=', orgId), 'users', page).execute();
    },
    /** Throws the store's unique violation when the user is already a member. */
    async addMember(member: TeamMemberTable): Promise<void> {
      await db.insertInto('team_members').values(member).execute();
    },
    /** False when there was no such membership. */
    async removeMember(orgId: string, teamId: string, userId: string): Promise<boolean> {
      const r = await db.deleteFrom('team_members').where('team_id', '=', teamId).where('user_id', '=', userId).where('organisation_id', '=', orgId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

export type TeamRepo = ReturnType<typeof teamRepo>;
