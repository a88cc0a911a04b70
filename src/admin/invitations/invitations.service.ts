import { randomBytes, randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { sha256Hex } from '../../crypto/tokens.ts';
import { hashPassword } from '../../crypto/passwords.ts';
import { isUniqueViolation, nowIso } from '../../store/db.ts';
import type { InvitationTable } from '../../store/schema.ts';
import type { InvitationRepo } from '../../store/repos/invitation.repo.ts';
import type { OperatorRepo, OperatorSummary } from '../../store/repos/operator.repo.ts';
import type { OrganisationRepo, OrganisationSummary } from '../../store/repos/organisation.repo.ts';
import type { UserRepo } from '../../store/repos/user.repo.ts';
import type { InTransaction } from '../../store/repos/identity.repos.ts';
import type { PageParams } from '../shared/validation.ts';
import type { Operator } from '../auth/operator-auth.ts';
import type { CredentialVerifier } from '../auth/credentials.ts';
import { newPassword } from '../auth/credential-fields.ts';

const INVITATION_PREFIX = 'odi_';

export interface InvitationServiceDeps {
  invitations: Pick<InvitationRepo, 'listLivePage' | 'findLiveByTokenHash' | 'findLive' | 'delete'>;
  users: Pick<UserRepo, 'findWithLoginEmail'>;
  operators: Pick<OperatorRepo, 'findByEmail' | 'findById' | 'insert'>;
  organisations: Pick<OrganisationRepo, 'findById'>;
  verify: CredentialVerifier;
  transaction: InTransaction<{
    invitations: Pick<InvitationRepo, 'insert' | 'deleteForEmail'>;
    users: Pick<UserRepo, 'findByEmail' | 'update' | 'insert'>;
  }>;
  invalidateOrg(orgId: string): Promise<void>;
  /** INVITATION_TTL_HOURS */
  ttlHours: number;
}

export interface Acceptance {
  token: string;
  password?: string;
  name?: string;
  /** The operator logged in on this request, if any. */
  current?: Operator;
  /** The client's IP, for the login throttle. */
  ip?: string;
}

/**
 * Operators join an organisation by invitation: an admin invites an email and passes the link on;
 * whoever opens it sets their own password, or — when the email already has a login — proves
 * they own it. Nobody else ever chooses an operator's password.
 */
export function createInvitationService(deps: InvitationServiceDeps) {
  return {
    listLive: (orgId: string, page: PageParams) => deps.invitations.listLivePage(orgId, nowIso(), page),

    async invite(orgId: string, invitedBy: string, input: { email: string; role: string }): Promise<{ invitation: InvitationTable; token: string }> {
      if (await deps.users.findWithLoginEmail(orgId, input.email)) {
        throw new GatewayError('conflict', `${input.email} is already a member with a console login`, { field: 'email' });
      }
      const token = INVITATION_PREFIX + randomBytes(32).toString('base64url');
      const now = new Date();
      const invitation: InvitationTable = {
        id: randomUUID(), organisation_id: orgId, email: input.email, role: input.role, token_hash: sha256Hex(token),
        invited_by: invitedBy, expires_at: new Date(now.getTime() + deps.ttlHours * 3600_000).toISOString(), created_at: now.toISOString(),
      };
      await deps.transaction(async (tx) => {
        // One live link per email: inviting again replaces the previous one.
        await tx.invitations.deleteForEmail(orgId, input.email);
        await tx.invitations.insert(invitation);
      });
      return { invitation, token };
    },

    /** A new link for a pending invitation (same email and role); the old link stops working. */
    async resend(orgId: string, invitationId: string, invitedBy: string): Promise<{ invitation: InvitationTable; token: string }> {
      const old = await deps.invitations.findLive(orgId, invitationId, nowIso());
      if (!old) throw new GatewayError('not_found', 'Invitation not found (it was accepted, revoked or has expired)');
      return this.invite(orgId, invitedBy, { email: old.email, role: old.role });
    },

    async revoke(orgId: string, invitationId: string): Promise<void> {
      if (!(await deps.invitations.delete(orgId, invitationId))) throw new GatewayError('not_found', 'Invitation not found');
    },

    /** Joins the invited login (created, or proven) to the organisation; the caller opens a session when `current` is not that login. */
    async accept(a: Acceptance): Promise<{ operator: OperatorSummary; organisation: OrganisationSummary; role: string }> {
      const inv = await deps.invitations.findLiveByTokenHash(sha256Hex(a.token), nowIso());
      if (!inv) throw new GatewayError('not_found', 'This invitation link is invalid, was revoked or has expired');
      const existing = await deps.operators.findByEmail(inv.email);
      let operatorId: string;
      let displayName: string;
      if (existing) {
        // The email already has a login: only its owner may join with it, and its password stays theirs.
        if (a.current?.id !== existing.id) {
          if (!a.password) throw new GatewayError('unauthorized', `${inv.email} already has a login: enter its password, or log in first`, { field: 'password' });
          const op = await deps.verify({ email: inv.email, ip: a.ip }, a.password);
          if (op.must_change_password) throw new GatewayError('password_change_required', 'Your password was reset: choose a new one first, then open the invitation again');
        }
        operatorId = existing.id;
        displayName = existing.name;
      } else {
        const password = newPassword.safeParse(a.password ?? '');
        if (!password.success) throw new GatewayError('invalid_request', `password: ${password.error.issues[0].message}`, { field: 'password' });
        operatorId = randomUUID();
        displayName = a.name ?? inv.email.split('@')[0];
        const hash = await hashPassword(password.data);
        try {
          await deps.operators.insert({ id: operatorId, email: inv.email, name: displayName, password_hash: hash, super_admin: 0, must_change_password: 0, created_at: nowIso() });
        } catch (e) {
          if (isUniqueViolation(e)) throw new GatewayError('conflict', 'This invitation was just accepted: open it again to join with that login');
          throw e;
        }
      }
      const now = nowIso();
      await deps.transaction(async (tx) => {
        const member = await tx.users.findByEmail(inv.organisation_id, inv.email);
        if (member) await tx.users.update(inv.organisation_id, member.id, { operator_id: operatorId, role: inv.role, updated_at: now });
        else {
          await tx.users.insert({
            id: randomUUID(), organisation_id: inv.organisation_id, email: inv.email, name: a.name ?? displayName, role: inv.role, operator_id: operatorId, created_at: now, updated_at: now,
          });
        }
        await tx.invitations.deleteForEmail(inv.organisation_id, inv.email);
      });
      await deps.invalidateOrg(inv.organisation_id);
      const operator = await deps.operators.findById(operatorId);
      const organisation = await deps.organisations.findById(inv.organisation_id);
      if (!operator || !organisation) throw new Error('invitation accepted, but its login or organisation is gone');
      return { operator, organisation: { id: organisation.id, name: organisation.name }, role: inv.role };
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
