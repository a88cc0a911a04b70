import type { Kysely } from 'kysely';
import type { Database, UserTable } from '../schema.ts';
import type { PageParams } from './paging.ts';
import { pageQuery } from './paging.ts';

/** An organisation's members (users); `operator_id` links a member to a console login. */
export function userRepo(db: Kysely<Database>) {
  return {
    async listPage(orgId: string, page: PageParams): Promise<UserTable[]> {
      return pageQuery(db.selectFrom('users').selectAll().where('organisation_id', '=', orgId), 'users', page).execute();
    },
    async find(orgId: string, userId: string): Promise<UserTable | undefined> {
      return db.selectFrom('users').selectAll().where('organisation_id', '=', orgId).where('id', '=', userId).executeTakeFirst();
    },
    async findByEmail(orgId: string, email: string): Promise<Pick<UserTable, 'id'> | undefined> {
      return db.selectFrom('users').select('id').where('organisation_id', '=', orgId).where('email', '=', email).executeTakeFirst();
    },
    /** The member of the organisation whose console login has this email, if any. */
    async findWithLoginEmail(orgId: string, email: string): Promise<Pick<UserTable, 'id'> | undefined> {
      return db.selectFrom('users').innerJoin('operators', 'operators.id', 'users.operator_id').select('users.id')
        .where('users.organisation_id', '=', orgId).where('operators.email', '=', email).executeTakeFirst();
    },
    /** The role of the member linked to this login, if the login is a member of the organisation. */
    async roleOfOperator(orgId: string, operatorId: string): Promise<string | undefined> {
      const u = await db.selectFrom('users').select('role').where('organisation_id', '=', orgId).where('operator_id', '=', operatorId).executeTakeFirst();
      return u?.role;
    },
    /** The organisations a login is a member of, with its role in each, oldest organisation first. */
    async organisationsOfOperator(operatorId: string): Promise<{ id: string; name: string; role: string }[]> {
      return db.selectFrom('users').innerJoin('organisations', 'organisations.id', 'users.organisation_id')
        .select(['organisations.id as id', 'organisations.name as name', 'users.role as role'])
        .where('users.operator_id', '=', operatorId).orderBy('organisations.created_at').execute();
    },
    async isMemberAnywhere(operatorId: string): Promise<boolean> {
      return !!(await db.selectFrom('users').select('id').where('operator_id', '=', operatorId).limit(1).executeTakeFirst());
    },
    /** Throws the store's unique violation when the email is taken in the organisation. */
    async insert(user: UserTable): Promise<void> {
      await db.insertInto('users').values(user).execute();
    },
    async update(orgId: string, userId: string, set: Partial<Pick<UserTable, 'name' | 'role' | 'operator_id' | 'updated_at'>>): Promise<void> {
      await db.updateTable('users').set(set).where('id', '=', userId).where('organisation_id', '=', orgId).execute();
    },
    async delete(orgId: string, userId: string): Promise<void> {
      await db.deleteFrom('users').where('id', '=', userId).where('organisation_id', '=', orgId).execute();
    },
  };
}

export type UserRepo = ReturnType<typeof userRepo>;
