import { randomBytes } from 'node:crypto';
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
  /** How this request authenticated: a session cookie (CSRF checks apply) or a Bearer token. */
  via: 'session' | 'token';
  /** The session's id hash, so a password change can end every other session. */
  sessionHash?: string;
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
      .where('operator_tokens.token_hash', '=', sha256Hex(token)).where('operator_tokens.expires_at', '>', now).executeTakeFirst();
    if (!row) return undefined;
    void db.updateTable('operator_tokens').set({ last_used_at: now }).where('id', '=', row.token_id).execute().catch(() => {});
    return { id: row.id, email: row.email, name: row.name, superAdmin: !!row.super_admin, via: 'token' };
  }
  const sid = req.cookies?.[SESSION_COOKIE];
  if (!sid || sid.length > 200) return undefined;
  const idHash = sha256Hex(sid);
  const row = await db.selectFrom('sessions').innerJoin('operators', 'operators.id', 'sessions.operator_id')
    .select(['operators.id', 'operators.email', 'operators.name', 'operators.super_admin', 'operators.must_change_password', 'sessions.expires_at'])
    .where('sessions.id_hash', '=', idHash).executeTakeFirst();
  // A forced password change (super-admin reset) ends sessions; none may outlive it.
  if (!row || row.expires_at <= now || row.must_change_password) return undefined;
  return { id: row.id, email: row.email, name: row.name, superAdmin: !!row.super_admin, via: 'session', sessionHash: idHash };
}

export function requireOperator(req: FastifyRequest): Operator {
  if (!req.operator) throw new GatewayError('unauthorized', 'Log in first');
  return req.operator;
}

/**
 * The operator's role in an organisation: super-admins administer every organisation; others
 * through the member record linked to their login (by accepting an invitation; an email match
 * alone grants nothing). No membership → 404, so the existence of another organisation's
 * records is not revealed.
 */
export async function orgRole(db: Kysely<Database>, op: Operator, orgId: string): Promise<Role> {
  const org = await db.selectFrom('organisations').select('id').where('id', '=', orgId).executeTakeFirst();
  if (!org) throw new GatewayError('not_found', 'Organisation not found');
  if (op.superAdmin) return 'admin';
  const u = await db.selectFrom('users').select('role').where('organisation_id', '=', orgId).where('operator_id', '=', op.id).executeTakeFirst();
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

export function clearSessionCookie(reply: FastifyReply, secure: boolean) {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure });
}

/** Opens a session for an operator and sets its cookie (`Secure` when the browser came over TLS). */
export async function startSession(req: FastifyRequest, reply: FastifyReply, operatorId: string): Promise<void> {
  const { db } = req.server.deps.store;
  const ttlHours = req.server.deps.config.SESSION_TTL_HOURS;
  const sid = randomBytes(32).toString('base64url');
  const now = new Date();
  const expires = new Date(now.getTime() + ttlHours * 3600_000).toISOString();
  await db.insertInto('sessions').values({ id_hash: sha256Hex(sid), operator_id: operatorId, expires_at: expires, created_at: now.toISOString() }).execute();
  setSessionCookie(reply, sid, ttlHours * 3600, req.overTls === true);
}

/**
 * Ends what an operator's old credentials opened: every session (but the one named, which just
 * proved the new password) and every access token.
 */
export async function endCredentials(db: Kysely<Database>, operatorId: string, keepSessionHash?: string): Promise<void> {
  let sessions = db.deleteFrom('sessions').where('operator_id', '=', operatorId);
  if (keepSessionHash) sessions = sessions.where('id_hash', '!=', keepSessionHash);
  await sessions.execute();
  await db.deleteFrom('operator_tokens').where('operator_id', '=', operatorId).execute();
}

/** What the API shows of an operator (never how they authenticated). */
export const operatorView = (op: { id: string; email: string; name: string; superAdmin: boolean }) => ({ id: op.id, email: op.email, name: op.name, superAdmin: op.superAdmin });
