import { randomBytes, randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import type { GroupMapping } from '../../config/sso-env.ts';
import type { ExternalIdentityRepo } from '../../store/repos/external-identity.repo.ts';
import type { OperatorRepo } from '../../store/repos/operator.repo.ts';
import type { UserRepo } from '../../store/repos/user.repo.ts';
import type { TeamRepo } from '../../store/repos/team.repo.ts';
import type { InTransaction } from '../../store/repos/identity.repos.ts';
import type { UserTable } from '../../store/schema.ts';
import type { Role } from '../auth/operator-auth.ts';
import { email as emailField } from '../auth/credential-fields.ts';

/** A person as an identity provider vouched for them, after every protocol check passed. */
export interface ExternalProfile {
  provider: 'oidc' | 'github';
  issuer: string;
  subject: string;
  email?: string;
  /** The provider says it verified the email (OIDC `email_verified`, GitHub's verified primary email). */
  emailVerified: boolean;
  name?: string;
  groups: string[];
}

export interface SsoRepos {
  identities: Pick<ExternalIdentityRepo, 'find' | 'insert' | 'touch' | 'findOrganisation' | 'findMemberByEmail' | 'findMemberOfOperator' | 'teamIdsByName' | 'teamIdsOfMember'>;
  operators: Pick<OperatorRepo, 'findByEmail' | 'insert'>;
  users: Pick<UserRepo, 'organisationsOfOperator' | 'insert' | 'update'>;
  teams: Pick<TeamRepo, 'addMember'>;
}

export interface SsoIdentityDeps {
  transaction: InTransaction<SsoRepos>;
  /** SSO_ORGANISATION: id or name of the organisation first-time sign-ins join. */
  organisation?: string;
  defaultRole: Role;
  groupMapping: GroupMapping;
}

const RANK: Record<Role, number> = { member: 0, manager: 1, admin: 2 };

/** What the person's groups give: the highest mapped role (if any group maps one) and every mapped team. */
export function mapGroups(groups: string[], mapping: GroupMapping): { role?: Role; teams: string[] } {
  let role: Role | undefined;
  const teams = new Set<string>();
  for (const g of groups) {
    const m = mapping[g];
    if (!m) continue;
    if (m.role && (!role || RANK[m.role] > RANK[role])) role = m.role;
    for (const t of m.teams ?? []) teams.add(t);
  }
  return { role, teams: [...teams] };
}

/** A scrypt-shaped hash of random bytes: no password matches it, and checking one costs what a real check costs. */
const unusablePasswordHash = () => `scrypt$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`;

const conflict = (why: string) => new GatewayError('sso_account_conflict', `This sign-in cannot be linked to the existing Odock login with the same email: ${why}. Sign in with your password, or ask an administrator.`);

/**
 * Which operator a company sign-in opens, and the membership it gets (product.md, "Trust boundary").
 *
 * Linking rule: an identity (issuer + subject) is linked to one operator, once. A new identity is
 * linked to an EXISTING login with the same email only when the provider says it verified that
 * email, the login is not a super-admin, and the login is a member of no organisation other than
 * SSO_ORGANISATION. Otherwise anyone able to choose an email at some provider (or an admin of
 * another tenant's IdP) could take over a password login, which is what the invitation rules closed.
 * Without an existing login a new operator is created (it has no usable password) and joins
 * SSO_ORGANISATION with the mapped or default role.
 *
 * Membership, each sign-in: joins SSO_ORGANISATION if not a member (the provider is the source of
 * truth: removing someone is done at the provider); a role mapped from groups is applied (raised or
 * lowered); without a mapped role an existing member keeps theirs; mapped teams are joined, never left.
 */
export function createSsoIdentityService(deps: SsoIdentityDeps) {
  return {
    async signIn(profile: ExternalProfile): Promise<{ operatorId: string; created: boolean }> {
      // The same normal form as every other email field; a malformed one counts as none.
      const parsed = emailField.safeParse(profile.email ?? '');
      const p = { ...profile, email: parsed.success ? parsed.data : undefined };
      const now = new Date().toISOString();
      const mapped = mapGroups(p.groups, deps.groupMapping);
      return deps.transaction(async (tx) => {
        const org = deps.organisation ? await tx.identities.findOrganisation(deps.organisation) : undefined;
        if (deps.organisation && !org) throw new GatewayError('sso_failed', 'SSO_ORGANISATION names no organisation of this deployment');
        let operatorId: string;
        let created = false;
        const linked = await tx.identities.find(p.issuer, p.subject);
        if (linked) {
          operatorId = linked.operator_id;
          await tx.identities.touch(linked.id, now);
        } else {
          if (!p.email) throw new GatewayError('sso_failed', 'The provider did not give an email address for this account');
          const existing = await tx.operators.findByEmail(p.email);
          if (existing) {
            if (!p.emailVerified) throw conflict('the provider does not say this email is verified');
            if (existing.super_admin) throw conflict('super-admin logins are never linked by email');
            const orgs = await tx.users.organisationsOfOperator(existing.id);
            if (orgs.some((o) => o.id !== org?.id)) throw conflict('that login belongs to another organisation');
            operatorId = existing.id;
          } else {
            if (!org) throw new GatewayError('sso_failed', 'No Odock login is linked to this account and no organisation is configured for new sign-ins (SSO_ORGANISATION)');
            operatorId = randomUUID();
            created = true;
            await tx.operators.insert({
              id: operatorId, email: p.email, name: (p.name ?? p.email).slice(0, 200), password_hash: unusablePasswordHash(),
              super_admin: 0, must_change_password: 0, created_at: now,
            });
          }
          await tx.identities.insert({ id: randomUUID(), operator_id: operatorId, provider: p.provider, issuer: p.issuer, subject: p.subject, email: p.email, created_at: now, last_login_at: now });
        }
        if (org) await joinOrganisation(tx, org.id, operatorId, p, mapped, deps.defaultRole, now);
        return { operatorId, created };
      });
    },
  };
}

async function joinOrganisation(tx: SsoRepos, orgId: string, operatorId: string, p: ExternalProfile, mapped: { role?: Role; teams: string[] }, defaultRole: Role, now: string): Promise<void> {
  let member: Pick<UserTable, 'id' | 'role'> | undefined = await tx.identities.findMemberOfOperator(orgId, operatorId);
  if (!member && p.email) {
    const byEmail = await tx.identities.findMemberByEmail(orgId, p.email);
    if (byEmail) {
      // A member record without a login becomes this login's only on a verified email; one of another login never.
      if (byEmail.operator_id !== null || !p.emailVerified) throw conflict('the organisation has another member with this email');
      await tx.users.update(orgId, byEmail.id, { operator_id: operatorId, updated_at: now, ...(mapped.role ? { role: mapped.role } : {}) });
      member = { id: byEmail.id, role: mapped.role ?? byEmail.role };
    }
  }
  if (!member) {
    if (!p.email) throw new GatewayError('sso_failed', 'The provider did not give an email address for this account');
    const userId = randomUUID();
    await tx.users.insert({ id: userId, organisation_id: orgId, email: p.email, name: (p.name ?? p.email).slice(0, 200), role: mapped.role ?? defaultRole, operator_id: operatorId, created_at: now, updated_at: now });
    member = { id: userId, role: mapped.role ?? defaultRole };
  } else if (mapped.role && mapped.role !== member.role) {
    await tx.users.update(orgId, member.id, { role: mapped.role, updated_at: now });
  }
  const teams = await tx.identities.teamIdsByName(orgId, mapped.teams);
  const already = new Set(await tx.identities.teamIdsOfMember(member.id));
  for (const t of teams) {
    if (!already.has(t.id)) await tx.teams.addMember({ team_id: t.id, user_id: member.id, organisation_id: orgId, created_at: now });
  }
}

/**
 * Explicit linking: an operator signed in to Odock proves an identity at the provider too, so the
 * identity opens this login from now on (how a super-admin, or anyone refused by the email rule,
 * adds company sign-in to an existing login). An identity linked to another login stays there.
 */
export function createSsoLinkService(deps: Pick<SsoIdentityDeps, 'transaction'>) {
  return {
    async link(p: ExternalProfile, operatorId: string): Promise<void> {
      const now = new Date().toISOString();
      await deps.transaction(async (tx) => {
        const linked = await tx.identities.find(p.issuer, p.subject);
        if (linked && linked.operator_id !== operatorId) throw new GatewayError('sso_account_conflict', 'This identity is already linked to another Odock login');
        if (linked) await tx.identities.touch(linked.id, now);
        else await tx.identities.insert({ id: randomUUID(), operator_id: operatorId, provider: p.provider, issuer: p.issuer, subject: p.subject, email: p.email ?? null, created_at: now, last_login_at: now });
      });
    },
  };
}

export type SsoIdentityService = ReturnType<typeof createSsoIdentityService>;
