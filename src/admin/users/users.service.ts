import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { hashPassword } from '../../crypto/passwords.ts';
import { isUniqueViolation, nowIso } from '../../store/db.ts';
import type { UserTable } from '../../store/schema.ts';
import type { UserRepo } from '../../store/repos/user.repo.ts';
import type { OperatorRepo } from '../../store/repos/operator.repo.ts';
import type { InTransaction } from '../../store/repos/identity.repos.ts';
import type { PageParams } from '../shared/validation.ts';
import type { Operator } from '../auth/operator-auth.ts';
import { endCredentials, type CredentialHolders } from '../auth/sessions.service.ts';

export interface UserServiceDeps {
  users: Pick<UserRepo, 'listPage' | 'find' | 'insert' | 'update'>;
  transaction: InTransaction<CredentialHolders & {
    users: Pick<UserRepo, 'delete' | 'isMemberAnywhere'>;
    operators: Pick<OperatorRepo, 'findById' | 'setPassword'>;
  }>;
  invalidateOrg(orgId: string): Promise<void>;
}

export interface UserPatch {
  name?: string;
  role?: string;
  /** A super-admin's reset of the member's console password. */
  password?: string;
}

/**
 * An organisation's members. A member has console access once linked to an operator login (an
 * accepted invitation); a member record alone opens nothing, even if a login with its email exists.
 */
export function createUserService(deps: UserServiceDeps) {
  const get = async (orgId: string, userId: string): Promise<UserTable> => {
    const u = await deps.users.find(orgId, userId);
    if (!u) throw new GatewayError('not_found', 'User not found');
    return u;
  };
  return {
    list: (orgId: string, page: PageParams) => deps.users.listPage(orgId, page),

    async create(orgId: string, input: { email: string; name: string; role: string }): Promise<UserTable> {
      const now = nowIso();
      const user: UserTable = { id: randomUUID(), organisation_id: orgId, email: input.email, name: input.name, role: input.role, operator_id: null, created_at: now, updated_at: now };
      try {
        await deps.users.insert(user);
      } catch (e) {
        if (isUniqueViolation(e)) throw new GatewayError('conflict', `A user with email '${input.email}' already exists`, { field: 'email' });
        throw e;
      }
      return user;
    },

    get,

    /**
     * `by` is the operator asking. Organisation admins never set passwords (invitations do); a
     * super-admin's reset makes the operator choose a new one at next login and ends everything
     * opened with the old one. An admin cannot drop their own admin role (a super-admin can).
     */
    async update(orgId: string, userId: string, patch: UserPatch, by: Operator): Promise<UserTable> {
      const user = await get(orgId, userId);
      if (patch.password !== undefined) {
        if (!by.superAdmin) throw new GatewayError('invalid_request', 'Operators choose their own password; only a super-admin can reset one', { field: 'password' });
        if (!user.operator_id) throw new GatewayError('invalid_request', 'This user has no console login: invite them instead', { field: 'password' });
      }
      if (patch.role && patch.role !== 'admin' && user.operator_id === by.id && !by.superAdmin) {
        throw new GatewayError('invalid_request', 'You cannot remove your own admin role', { field: 'role' });
      }
      const set: Partial<UserTable> = { updated_at: nowIso() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.role !== undefined) set.role = patch.role;
      await deps.users.update(orgId, userId, set);
      const operatorId = user.operator_id;
      if (patch.password !== undefined && operatorId) {
        const hash = await hashPassword(patch.password);
        await deps.transaction(async (tx) => {
          await tx.operators.setPassword(operatorId, hash, true);
          await endCredentials(tx, operatorId);
        });
      }
      return get(orgId, userId);
    },

    async delete(orgId: string, userId: string): Promise<void> {
      const user = await get(orgId, userId);
      await deps.transaction(async (tx) => {
        await tx.users.delete(orgId, userId);
        // An operator who belonged only to this organisation has nothing left to act on: their sessions
        // and access tokens end with the membership (a super-admin keeps theirs).
        if (!user.operator_id) return;
        const elsewhere = await tx.users.isMemberAnywhere(user.operator_id);
        const op = await tx.operators.findById(user.operator_id);
        if (op && !op.super_admin && !elsewhere) await endCredentials(tx, op.id);
      });
      await deps.invalidateOrg(orgId);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
