import type { Kysely } from 'kysely';
import type { Database, ExternalIdentityTable, SsoLoginFlowTable, UserTable } from '../schema.ts';

/** Company sign-in: identities linked to operators, sign-ins in progress, and the look-ups JIT membership needs. */
export function externalIdentityRepo(db: Kysely<Database>) {
  return {
    async find(issuer: string, subject: string): Promise<ExternalIdentityTable | undefined> {
      return db.selectFrom('external_identities').selectAll().where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
    },
    /** Throws the store's unique violation when the identity is linked already. */
    async insert(row: ExternalIdentityTable): Promise<void> {
      await db.insertInto('external_identities').values(row).execute();
    },
    async touch(id: string, at: string): Promise<void> {
      await db.updateTable('external_identities').set({ last_login_at: at }).where('id', '=', id).execute();
    },
    async listOfOperator(operatorId: string): Promise<ExternalIdentityTable[]> {
      return db.selectFrom('external_identities').selectAll().where('operator_id', '=', operatorId).orderBy('created_at').execute();
    },
    /** The organisation named by id or, failing that, by exact name. */
    async findOrganisation(idOrName: string): Promise<{ id: string; name: string } | undefined> {
      return (await db.selectFrom('organisations').select(['id', 'name']).where('id', '=', idOrName).executeTakeFirst())
        ?? db.selectFrom('organisations').select(['id', 'name']).where('name', '=', idOrName).orderBy('created_at').executeTakeFirst();
    },
    async findMemberByEmail(orgId: string, email: string): Promise<UserTable | undefined> {
      return db.selectFrom('users').selectAll().where('organisation_id', '=', orgId).where('email', '=', email).executeTakeFirst();
    },
    async findMemberOfOperator(orgId: string, operatorId: string): Promise<UserTable | undefined> {
      return db.selectFrom('users').selectAll().where('organisation_id', '=', orgId).where('operator_id', '=', operatorId).executeTakeFirst();
    },
    /** Ids of the organisation's teams with these exact names. */
    async teamIdsByName(orgId: string, names: string[]): Promise<{ id: string; name: string }[]> {
      if (names.length === 0) return [];
      return db.selectFrom('teams').select(['id', 'name']).where('organisation_id', '=', orgId).where('name', 'in', names).execute();
    },
    async teamIdsOfMember(userId: string): Promise<string[]> {
      return (await db.selectFrom('team_members').select('team_id').where('user_id', '=', userId).execute()).map((r) => r.team_id);
    },
  };
}

/** Sign-ins in progress, kept by the hash of their `state`: any instance may receive the callback. */
export function ssoFlowRepo(db: Kysely<Database>) {
  return {
    /** False (nothing stored) when `max` sign-ins are already in progress: anonymous starts cannot grow the table without bound. */
    async insert(row: SsoLoginFlowTable, max: number): Promise<boolean> {
      await db.deleteFrom('sso_login_flows').where('expires_at', '<', row.created_at).execute();
      const { n } = await db.selectFrom('sso_login_flows').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
      if (Number(n) >= max) return false;
      await db.insertInto('sso_login_flows').values(row).execute();
      return true;
    },
    /** Removes and answers the flow: a second callback with the same state finds nothing. */
    async consume(stateHash: string): Promise<SsoLoginFlowTable | undefined> {
      return db.deleteFrom('sso_login_flows').where('state_hash', '=', stateHash).returningAll().executeTakeFirst();
    },
  };
}

export type ExternalIdentityRepo = ReturnType<typeof externalIdentityRepo>;
export type SsoFlowRepo = ReturnType<typeof ssoFlowRepo>;
