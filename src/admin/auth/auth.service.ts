import { GatewayError } from '../../errors/index.ts';
import { hashPassword } from '../../crypto/passwords.ts';
import type { OrganisationRepo } from '../../store/repos/organisation.repo.ts';
import type { UserRepo } from '../../store/repos/user.repo.ts';
import type { OperatorRepo } from '../../store/repos/operator.repo.ts';
import type { InTransaction } from '../../store/repos/identity.repos.ts';
import type { OperatorTable } from '../../store/schema.ts';
import type { CredentialVerifier } from './credentials.ts';
import type { Operator } from './operator-auth.ts';
import { endCredentials, type CredentialHolders } from './sessions.service.ts';

export interface AuthServiceDeps {
  verify: CredentialVerifier;
  organisations: Pick<OrganisationRepo, 'listAll'>;
  users: Pick<UserRepo, 'organisationsOfOperator'>;
  transaction: InTransaction<CredentialHolders & { operators: Pick<OperatorRepo, 'setPassword'> }>;
}

export interface PasswordChange {
  /** The operator logged in on this request, if any. */
  current?: Operator;
  /** Only when not logged in: the forced change after a super-admin reset. */
  email?: string;
  currentPassword: string;
  newPassword: string;
  /** The client's IP, for the throttle. */
  ip?: string;
}

/** Logging in, who one is, and one's own password. */
export function createAuthService(deps: AuthServiceDeps) {
  return {
    /** The operator whose password this is; a session is the caller's to open. */
    async login(email: string, password: string, ip?: string): Promise<OperatorTable> {
      const op = await deps.verify({ email, ip }, password);
      if (op.must_change_password) {
        throw new GatewayError('password_change_required', 'Your password was reset: choose a new one (POST /api/auth/password with email, currentPassword, newPassword)');
      }
      return op;
    },

    /** The organisations the operator can open, with their role in each (a super-admin: all, as admin). */
    async organisationsOf(op: Operator): Promise<{ id: string; name: string; role: string }[]> {
      if (op.superAdmin) return (await deps.organisations.listAll()).map((o) => ({ ...o, role: 'admin' }));
      return deps.users.organisationsOfOperator(op.id);
    },

    /**
     * One's own password, proven with the current one. Logged in: every other session and every
     * token ends. Not logged in (a forced change after a reset): throttled like login, and the
     * caller opens a session with the new password (`keptSession` false).
     */
    async changePassword(c: PasswordChange): Promise<{ operatorId: string; keptSession: boolean }> {
      let operatorId: string;
      if (c.current && c.email === undefined) {
        // Throttled like login: a borrowed session must not become a way to guess the password.
        try {
          await deps.verify({ email: c.current.email, ip: c.ip }, c.currentPassword);
        } catch (e) {
          if (e instanceof GatewayError && e.code === 'unauthorized') throw new GatewayError('invalid_request', 'The current password is incorrect', { field: 'currentPassword' });
          throw e;
        }
        operatorId = c.current.id;
      } else {
        if (c.email === undefined) throw new GatewayError('unauthorized', 'Log in first, or give the email of the account');
        operatorId = (await deps.verify({ email: c.email, ip: c.ip }, c.currentPassword)).id;
      }
      if (c.newPassword === c.currentPassword) throw new GatewayError('invalid_request', 'The new password must differ from the current one', { field: 'newPassword' });
      const hash = await hashPassword(c.newPassword);
      const keep = c.current?.id === operatorId ? c.current.sessionHash : undefined;
      await deps.transaction(async (tx) => {
        await tx.operators.setPassword(operatorId, hash, false);
        await endCredentials(tx, operatorId, keep);
      });
      return { operatorId, keptSession: keep !== undefined };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
