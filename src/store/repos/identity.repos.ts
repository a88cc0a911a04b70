import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { organisationRepo } from './organisation.repo.ts';
import { teamRepo } from './team.repo.ts';
import { userRepo } from './user.repo.ts';
import { operatorRepo } from './operator.repo.ts';
import { sessionRepo } from './session.repo.ts';
import { operatorTokenRepo } from './operator-token.repo.ts';
import { invitationRepo } from './invitation.repo.ts';

/** The repositories of the identity side (organisations, members, logins and their credentials). */
export function identityRepos(db: Kysely<Database>) {
  return {
    organisations: organisationRepo(db),
    teams: teamRepo(db),
    users: userRepo(db),
    operators: operatorRepo(db),
    sessions: sessionRepo(db),
    operatorTokens: operatorTokenRepo(db),
    invitations: invitationRepo(db),
  };
}

export type IdentityRepos = ReturnType<typeof identityRepos>;

/**
 * Runs `work` in one transaction with repositories bound to it. A service declares the narrow
 * part it needs (`InTransaction<{ users: Pick<UserRepo, 'delete'> }>`); this one satisfies any.
 */
export type InTransaction<R> = <T>(work: (repos: R) => Promise<T>) => Promise<T>;

export function identityTransaction(db: Kysely<Database>): InTransaction<IdentityRepos> {
  return (work) => db.transaction().execute((tx) => work(identityRepos(tx)));
}
