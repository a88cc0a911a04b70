import type { Kysely } from 'kysely';
import type { Database, OperatorTable } from '../schema.ts';

export type OperatorSummary = Pick<OperatorTable, 'id' | 'email' | 'name' | 'super_admin'>;

/** Console logins (operators). */
export function operatorRepo(db: Kysely<Database>) {
  return {
    async findByEmail(email: string): Promise<OperatorTable | undefined> {
      return db.selectFrom('operators').selectAll().where('email', '=', email).executeTakeFirst();
    },
    async findById(id: string): Promise<OperatorSummary | undefined> {
      return db.selectFrom('operators').select(['id', 'email', 'name', 'super_admin']).where('id', '=', id).executeTakeFirst();
    },
    async any(): Promise<boolean> {
      return !!(await db.selectFrom('operators').select('id').limit(1).executeTakeFirst());
    },
    /** Throws the store's unique violation when the email already has a login. */
    async insert(op: OperatorTable): Promise<void> {
      await db.insertInto('operators').values(op).execute();
    },
    async setPassword(id: string, passwordHash: string, mustChange: boolean): Promise<void> {
      await db.updateTable('operators').set({ password_hash: passwordHash, must_change_password: mustChange ? 1 : 0 }).where('id', '=', id).execute();
    },
  };
}

export type OperatorRepo = ReturnType<typeof operatorRepo>;
