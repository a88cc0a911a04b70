import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { GatewayError } from '../errors/index.ts';
import type { Database } from '../store/schema.ts';
import { sha256Hex } from '../crypto/tokens.ts';

export const SESSION_COOKIE = 'odock_session';
export const OPERATOR_TOKEN_PREFIX = 'odt_';

export type Role = 'admin' | 'manager' | 'member';
export const ROLES: readonly Role[] = ['admin', 'manager', 'member'];

export interface Operator {
  id: string;
  email: string;
  name: string;
  superAdmin: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    operator?: Operator;
  }
}

/** Resolves the operator from the session cookie or an operator access token (Bearer). */
export async function resolveOperator(db: Kysely<Database>, req: FastifyRequest): Promise<Operator | undefined> {
  const now = new Date().toISOString();
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) {
    const token = auth.replace(/^Bearer\s+/i, '').trim();
    if (!token.startsWith(OPERATOR_TOKEN_PREFIX) || token.length > 200) return undefined;
    const row = await db.selectFrom('operator_tokens').innerJoin('operators', 'operators.id', 'operator_tokens.operator_id')
      .select(['operators.id', 'operators.email', 'operators.name', 'operators.super_admin', 'operator_tokens.id as token_id'])
      .where('operator_tokens.token_hash', '=', sha256Hex(token)).executeTakeFirst();
    if (!row) return undefined;
    void db.updateTable('operator_tokens').set({ last_used_at: now }).where('id', '=', row.token_id).execute().catch(() => {});
    return { id: row.id, email: row.email, name: row.name, superAdmin: !!row.super_admin };
  }
  const sid = req.cookies?.[SESSION_COOKIE];
  if (!sid || sid.length > 200) return undefined;
  const row = await db.selectFrom('sessions').innerJoin('operators', 'operators.id', 'sessions.operator_id')
    .select(['operators.id', 'operators.email', 'operators.name', 'operators.super_admin', 'sessions.expires_at'])
    .where('sessions.id_hash', '=', sha256Hex(sid)).executeTakeFirst();
  if (!row || row.expires_at <= now) return undefined;
  return { id: row.id, email: row.email, name: row.name, superAdmin: !!row.super_admin };
}

export function requireOperator(req: FastifyRequest): Operator {
  if (!req.operator) throw new GatewayError('unauthorized', 'Log in first');
  return req.operator;
}

/**
 * The operator's role in an organisation: super-admins administer every organisation; others
 * through the organisation's user record with their email. No membership → 404, so the
 * existence of another organisation's records is not revealed.
 */
export async function orgRole(db: Kysely<Database>, op: Operator, orgId: string): Promise<Role> {
  const org = await db.selectFrom('organisations').select('id').where('id', '=', orgId).executeTakeFirst();
  if (!org) throw new GatewayError('not_found', 'Organisation not found');
  if (op.superAdmin) return 'admin';
  const u = await db.selectFrom('users').select('role').where('organisation_id', '=', orgId).where('email', '=', op.email).executeTakeFirst();
  if (!u) throw new GatewayError('not_found', 'Organisation not found');
  return u.role as Role;
}

export type Need = 'read' | 'write' | 'admin';

/** read: any member; write: admin or manager; admin: admin only. */
export async function requireOrg(req: FastifyRequest, orgId: string, need: Need): Promise<{ operator: Operator; role: Role }> {
  const operator = requireOperator(req);
  const role = await orgRole(req.server.deps.store.db, operator, orgId);
  if (need === 'write' && role === 'member') throw new GatewayError('forbidden', 'Your role (member) cannot change this organisation');
  if (need === 'admin' && role !== 'admin') throw new GatewayError('forbidden', `Your role (${role}) cannot do this; an admin can`);
  return { operator, role };
}

export function setSessionCookie(reply: FastifyReply, value: string, maxAgeSeconds: number, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: maxAgeSeconds, secure });
}
