import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { generatePassword, hashPassword } from '../crypto/passwords.ts';
import { nowIso } from '../store/db.ts';

export interface BootstrapResult {
  created: boolean;
  email?: string;
  /** Only when generated: printed once on the console, never stored in clear. */
  generatedPassword?: string;
}

/**
 * First start on an empty database: the first operator (super-admin) and an organisation named
 * Default that it administers. Runs in one transaction so parallel instances create one of each.
 */
export async function bootstrap(db: Kysely<Database>, opts: { email?: string; password?: string }): Promise<BootstrapResult> {
  const any = await db.selectFrom('operators').select('id').limit(1).executeTakeFirst();
  if (any) return { created: false };
  const email = (opts.email ?? 'admin@odock.local').toLowerCase();
  const generatedPassword = opts.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(opts.password ?? generatedPassword!);
  const now = nowIso();
  try {
    await db.transaction().execute(async (tx) => {
      const opId = randomUUID();
      const orgId = randomUUID();
      await tx.insertInto('operators').values({ id: opId, email, name: 'Administrator', password_hash: passwordHash, super_admin: 1, must_change_password: 0, created_at: now }).execute();
      await tx.insertInto('organisations').values({ id: orgId, name: 'Default', policies: '{}', created_at: now, updated_at: now }).execute();
      await tx.insertInto('users').values({ id: randomUUID(), organisation_id: orgId, email, name: 'Administrator', role: 'admin', operator_id: opId, created_at: now, updated_at: now }).execute();
    });
  } catch (e) {
    // Another instance won the race (unique email): nothing to do.
    const again = await db.selectFrom('operators').select('id').limit(1).executeTakeFirst();
    if (again) return { created: false };
    throw e;
  }
  return { created: true, email, generatedPassword };
}
