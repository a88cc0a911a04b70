import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { generatePassword, hashPassword } from '../../crypto/passwords.ts';
import { nowIso } from '../../store/db.ts';
import type { OperatorRepo } from '../../store/repos/operator.repo.ts';
import type { OrganisationRepo } from '../../store/repos/organisation.repo.ts';
import type { UserRepo } from '../../store/repos/user.repo.ts';
import { identityRepos, identityTransaction, type InTransaction } from '../../store/repos/identity.repos.ts';

export interface BootstrapResult {
  created: boolean;
  email?: string;
  /** Only when generated: printed once on the console, never stored in clear. */
  generatedPassword?: string;
}

export interface BootstrapDeps {
  operators: Pick<OperatorRepo, 'any'>;
  transaction: InTransaction<{
    operators: Pick<OperatorRepo, 'insert'>;
    organisations: Pick<OrganisationRepo, 'insert'>;
    users: Pick<UserRepo, 'insert'>;
  }>;
}

/**
 * First start on an empty database: the first operator (super-admin) and an organisation named
 * Default that it administers. Runs in one transaction so parallel instances create one of each.
 */
export async function bootstrapFirstOperator(deps: BootstrapDeps, opts: { email?: string; password?: string }): Promise<BootstrapResult> {
  if (await deps.operators.any()) return { created: false };
  const email = (opts.email ?? 'admin@odock.local').toLowerCase();
  const generatedPassword = opts.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(opts.password ?? generatedPassword!);
  const now = nowIso();
  try {
    await deps.transaction(async (tx) => {
      const opId = randomUUID();
      const orgId = randomUUID();
      await tx.operators.insert({ id: opId, email, name: 'Administrator', password_hash: passwordHash, super_admin: 1, must_change_password: 0, created_at: now });
      await tx.organisations.insert({ id: orgId, name: 'Default', policies: '{}', created_at: now, updated_at: now });
      await tx.users.insert({ id: randomUUID(), organisation_id: orgId, email, name: 'Administrator', role: 'admin', operator_id: opId, created_at: now, updated_at: now });
    });
  } catch (e) {
    // Another instance won the race (unique email): nothing to do.
    if (await deps.operators.any()) return { created: false };
    throw e;
  }
  return { created: true, email, generatedPassword };
}

/** The bootstrap of a store (main.ts at start, and tests). */
export function bootstrap(db: Kysely<Database>, opts: { email?: string; password?: string }): Promise<BootstrapResult> {
  return bootstrapFirstOperator({ operators: identityRepos(db).operators, transaction: identityTransaction(db) }, opts);
}
