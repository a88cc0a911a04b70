import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { GatewayError } from '../../errors/index.ts';
import { sha256Hex } from '../../crypto/tokens.ts';
import type { OrganisationRepo } from '../../store/repos/organisation.repo.ts';
import type { UserRepo } from '../../store/repos/user.repo.ts';
import type { SessionRepo } from '../../store/repos/session.repo.ts';
import type { OperatorTokenRepo } from '../../store/repos/operator-token.repo.ts';
import { organisationRepo } from '../../store/repos/organisation.repo.ts';
import { userRepo } from '../../store/repos/user.repo.ts';
import { sessionRepo } from '../../store/repos/session.repo.ts';
import { operatorTokenRepo } from '../../store/repos/operator-token.repo.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

export const OPERATOR_TOKEN_PREFIX = 'odt_';

export type Role = 'admin' | 'manager' | 'member';
export const ROLES: readonly Role[] = ['admin', 'manager', 'member'];

export interface Operator {
  id: string;
  email: string;
  name: string;
  superAdmin: boolean;
  /** How this request authenticated: a session cookie (CSRF checks apply) or a Bearer token. */
  via: 'session' | 'token';
  /** The session's id hash, so a password change can end every other session. */
  sessionHash?: string;
  /** The access token of a Bearer request (its id and name), for the audit log's actor. */
  token?: { id: string; name: string };
}

declare module 'fastify' {
  interface FastifyRequest {
    operator?: Operator;
  }
}

export interface OperatorResolverDeps {
  sessions: Pick<SessionRepo, 'findWithOperator'>;
  operatorTokens: Pick<OperatorTokenRepo, 'findLiveOperator' | 'touch'>;
}

/** Resolves the operator from the session cookie or an operator access token (Bearer). */
export function createOperatorResolver(deps: OperatorResolverDeps) {
  return async (req: FastifyRequest): Promise<Operator | undefined> => {
    const now = new Date().toISOString();
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) {
      const token = auth.replace(/^Bearer\s+/i, '').trim();
      if (!token.startsWith(OPERATOR_TOKEN_PREFIX) || token.length > 200) return undefined;
      const row = await deps.operatorTokens.findLiveOperator(sha256Hex(token), now);
      if (!row) return undefined;
      void deps.operatorTokens.touch(row.token_id, now).catch(() => {});
      return { id: row.id, email: row.email, name: row.name, superAdmin: !!row.super_admin, via: 'token', token: { id: row.token_id, name: row.token_name } };
    }
    const sid = req.cookies?.[SESSION_COOKIE];
    if (!sid || sid.length > 200) return undefined;
    const idHash = sha256Hex(sid);
    const row = await deps.sessions.findWithOperator(idHash);
    // A forced password change (super-admin reset) ends sessions; none may outlive it.
    if (!row || row.expires_at <= now || row.must_change_password) return undefined;
    return { id: row.id, email: row.email, name: row.name, superAdmin: !!row.super_admin, via: 'session', sessionHash: idHash };
  };
}

/** The admin plugin's hook: the operator of a request, read from this store. */
export function resolveOperator(db: Kysely<Database>, req: FastifyRequest): Promise<Operator | undefined> {
  return createOperatorResolver({ sessions: sessionRepo(db), operatorTokens: operatorTokenRepo(db) })(req);
}

export function requireOperator(req: FastifyRequest): Operator {
  if (!req.operator) throw new GatewayError('unauthorized', 'Log in first');
  return req.operator;
}

export interface OrgRoleDeps {
  organisations: Pick<OrganisationRepo, 'exists'>;
  users: Pick<UserRepo, 'roleOfOperator'>;
}

/**
 * The operator's role in an organisation: super-admins administer every organisation; others
 * through the member record linked to their login (by accepting an invitation; an email match
 * alone grants nothing). No membership → 404, so the existence of another organisation's
 * records is not revealed.
 */
export async function orgRole(deps: OrgRoleDeps, op: Operator, orgId: string): Promise<Role> {
  if (!(await deps.organisations.exists(orgId))) throw new GatewayError('not_found', 'Organisation not found');
  if (op.superAdmin) return 'admin';
  const role = await deps.users.roleOfOperator(orgId, op.id);
  if (!role) throw new GatewayError('not_found', 'Organisation not found');
  return role as Role;
}

export type Need = 'read' | 'write' | 'admin';

/** read: any member; write: admin or manager; admin: admin only. */
export async function requireOrg(req: FastifyRequest, orgId: string, need: Need): Promise<{ operator: Operator; role: Role }> {
  const operator = requireOperator(req);
  const { db } = req.server.deps.store;
  const role = await orgRole({ organisations: organisationRepo(db), users: userRepo(db) }, operator, orgId);
  if (need === 'write' && role === 'member') throw new GatewayError('forbidden', 'Your role (member) cannot change this organisation');
  if (need === 'admin' && role !== 'admin') throw new GatewayError('forbidden', `Your role (${role}) cannot do this; an admin can`);
  return { operator, role };
}

/** What the API shows of an operator (never how they authenticated). */
export const operatorView = (op: { id: string; email: string; name: string; superAdmin: boolean }) => ({ id: op.id, email: op.email, name: op.name, superAdmin: op.superAdmin });
