import type { Kysely } from 'kysely';
import type { Database, OperatorTable, SessionTable } from '../schema.ts';

export type SessionWithOperator = Pick<OperatorTable, 'id' | 'email' | 'name' | 'super_admin' | 'must_change_password'> & Pick<SessionTable, 'expires_at'>;

/** Console sessions, stored by the hash of their cookie value only. */
export function sessionRepo(db: Kysely<Database>) {
  return {
    async insert(session: SessionTable): Promise<void> {
      await db.insertInto('sessions').values(session).execute();
    },
    async findWithOperator(idHash: string): Promise<SessionWithOperator | undefined> {
      return db.selectFrom('sessions').innerJoin('operators', 'operators.id', 'sessions.operator_id')
        .select(['operators.id', 'operators.email', 'operators.name', 'operators.super_admin', 'operators.must_change_password', 'sessions.expires_at'])
        .where('sessions.id_hash', '=', idHash).executeTakeFirst();
    },
    async delete(idHash: string): Promise<void> {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
    /** Every session of the operator, but the one named. */
    async deleteForOperator(operatorId: string, exceptIdHash?: string): Promise<void> {
      let q = db.deleteFrom('sessions').where('operator_id', '=', operatorId);
      if (exceptIdHash) q = q.where('id_hash', '!=', exceptIdHash);
      await q.execute();
    },
  };
}

export type SessionRepo = ReturnType<typeof sessionRepo>;
