import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';
import { sha256Hex } from '../crypto/tokens.ts';
import { PASSWORD_MAX, PASSWORD_MIN, hashPassword } from '../crypto/passwords.ts';
import { nowIso } from '../store/db.ts';
import type { OperatorTokenTable } from '../store/schema.ts';
import {
  OPERATOR_TOKEN_PREFIX, SESSION_COOKIE, clearSessionCookie, endCredentials, operatorView, requireOperator, startSession,
} from './operator-auth.ts';
import { verifyCredentials } from './credentials.ts';
import { name, pageParams, parseBody, toPage } from './validation.ts';
import { pageQuery } from './paging.sql.ts';

const email = z.string().trim().toLowerCase().email().max(320);
const Login = z.object({ email, password: z.string().min(1).max(1000) }).strict();
export const newPassword = z.string().min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX);
/** `email` only when not logged in: the forced change after a super-admin reset, answered by login with 403 password_change_required. */
const PasswordChange = z.object({ email: email.optional(), currentPassword: z.string().min(1).max(1000), newPassword }).strict();

export const tokenView = (r: Pick<OperatorTokenTable, 'id' | 'name' | 'preview' | 'created_at' | 'last_used_at' | 'expires_at'>) => ({
  id: r.id, name: r.name, preview: r.preview, createdAt: r.created_at, lastUsedAt: r.last_used_at, expiresAt: r.expires_at,
});

export async function authRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const { OPERATOR_TOKEN_TTL_DAYS } = app.deps.config;
  const TokenCreate = z.object({ name, expiresInDays: z.number().int().min(1).max(OPERATOR_TOKEN_TTL_DAYS).optional() }).strict();

  app.post('/auth/login', { config: { bodySchema: Login } }, async (req, reply) => {
    const body = parseBody(Login, req.body);
    const op = await verifyCredentials(req, body.email, body.password);
    if (op.must_change_password) {
      throw new GatewayError('password_change_required', 'Your password was reset: choose a new one (POST /api/auth/password with email, currentPassword, newPassword)');
    }
    await startSession(req, reply, op.id);
    return { operator: operatorView({ id: op.id, email: op.email, name: op.name, superAdmin: !!op.super_admin }) };
  });

  app.post('/auth/logout', async (req, reply) => {
    const sid = req.cookies?.[SESSION_COOKIE];
    if (sid) await db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(sid)).execute();
    clearSessionCookie(reply, req.overTls === true);
    return { ok: true };
  });

  app.get('/auth/me', async (req) => {
    const op = requireOperator(req);
    const orgs = op.superAdmin
      ? (await db.selectFrom('organisations').select(['id', 'name']).orderBy('created_at').execute()).map((o) => ({ ...o, role: 'admin' }))
      : await db.selectFrom('users').innerJoin('organisations', 'organisations.id', 'users.organisation_id')
        .select(['organisations.id as id', 'organisations.name as name', 'users.role as role'])
        .where('users.operator_id', '=', op.id).orderBy('organisations.created_at').execute();
    return { operator: operatorView(op), organisations: orgs };
  });

  // One's own password, proven with the current one. Logged in: every other session and every
  // token ends. Not logged in (a forced change after a reset): throttled like login, and the
  // new password opens a session.
  app.post('/auth/password', { config: { bodySchema: PasswordChange } }, async (req, reply) => {
    const body = parseBody(PasswordChange, req.body);
    const current = req.operator;
    let operatorId: string;
    if (current && body.email === undefined) {
      // Throttled like login: a borrowed session must not become a way to guess the password.
      try {
        await verifyCredentials(req, current.email, body.currentPassword);
      } catch (e) {
        if (e instanceof GatewayError && e.code === 'unauthorized') throw new GatewayError('invalid_request', 'The current password is incorrect', { field: 'currentPassword' });
        throw e;
      }
      operatorId = current.id;
    } else {
      if (body.email === undefined) throw new GatewayError('unauthorized', 'Log in first, or give the email of the account');
      operatorId = (await verifyCredentials(req, body.email, body.currentPassword)).id;
    }
    if (body.newPassword === body.currentPassword) throw new GatewayError('invalid_request', 'The new password must differ from the current one', { field: 'newPassword' });
    const hash = await hashPassword(body.newPassword);
    const keep = current?.id === operatorId ? current.sessionHash : undefined;
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('operators').set({ password_hash: hash, must_change_password: 0 }).where('id', '=', operatorId).execute();
      await endCredentials(tx, operatorId, keep);
    });
    if (!keep) await startSession(req, reply, operatorId);
    return { ok: true };
  });

  app.get('/auth/tokens', async (req) => {
    const op = requireOperator(req);
    const p = pageParams(req.query);
    const rows = await pageQuery(db.selectFrom('operator_tokens').select(['id', 'name', 'preview', 'created_at', 'last_used_at', 'expires_at'])
      .where('operator_id', '=', op.id).where('expires_at', '>', nowIso()), 'operator_tokens', p).execute();
    return toPage(rows, p.limit, tokenView);
  });

  app.post('/auth/tokens', { config: { bodySchema: TokenCreate } }, async (req, reply) => {
    const op = requireOperator(req);
    const body = parseBody(TokenCreate, req.body);
    const token = OPERATOR_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = new Date();
    const expires = new Date(now.getTime() + (body.expiresInDays ?? OPERATOR_TOKEN_TTL_DAYS) * 86_400_000).toISOString();
    const row: OperatorTokenTable = {
      id: randomUUID(), operator_id: op.id, name: body.name, token_hash: sha256Hex(token), preview: token.slice(-4),
      created_at: now.toISOString(), last_used_at: null, expires_at: expires,
    };
    await db.insertInto('operator_tokens').values(row).execute();
    reply.status(201);
    return { ...tokenView(row), token };
  });

  app.delete('/auth/tokens/:tokenId', async (req, reply) => {
    const op = requireOperator(req);
    const { tokenId } = req.params as { tokenId: string };
    const r = await db.deleteFrom('operator_tokens').where('id', '=', tokenId).where('operator_id', '=', op.id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new GatewayError('not_found', 'Token not found');
    reply.status(204);
  });
}
