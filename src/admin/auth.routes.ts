import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';
import { sha256Hex } from '../crypto/tokens.ts';
import { verifyPassword } from '../crypto/passwords.ts';
import { nowIso } from '../store/db.ts';
import { OPERATOR_TOKEN_PREFIX, SESSION_COOKIE, requireOperator, setSessionCookie } from './operator-auth.ts';
import { name, pageParams, parseBody, toPage } from './validation.ts';
import { pageQuery } from './paging.sql.ts';

const Login = z.object({ email: z.string().trim().toLowerCase().email().max(320), password: z.string().min(1).max(1000) }).strict();
const TokenCreate = z.object({ name }).strict();

export async function authRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const ttlHours = app.deps.config.SESSION_TTL_HOURS;

  app.post('/auth/login', { config: { bodySchema: Login } }, async (req, reply) => {
    const body = parseBody(Login, req.body);
    const op = await db.selectFrom('operators').selectAll().where('email', '=', body.email).executeTakeFirst();
    // Same answer for unknown email and wrong password.
    if (!op || !(await verifyPassword(body.password, op.password_hash))) throw new GatewayError('unauthorized', 'Email or password is incorrect');
    const sid = randomBytes(32).toString('base64url');
    const expires = new Date(Date.now() + ttlHours * 3600_000).toISOString();
    await db.insertInto('sessions').values({ id_hash: sha256Hex(sid), operator_id: op.id, expires_at: expires, created_at: nowIso() }).execute();
    setSessionCookie(reply, sid, ttlHours * 3600, req.protocol === 'https');
    return { operator: { id: op.id, email: op.email, name: op.name, superAdmin: !!op.super_admin } };
  });

  app.post('/auth/logout', async (req, reply) => {
    const sid = req.cookies?.[SESSION_COOKIE];
    if (sid) await db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(sid)).execute();
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/auth/me', async (req) => {
    const op = requireOperator(req);
    const orgs = op.superAdmin
      ? (await db.selectFrom('organisations').select(['id', 'name']).orderBy('created_at').execute()).map((o) => ({ ...o, role: 'admin' }))
      : await db.selectFrom('users').innerJoin('organisations', 'organisations.id', 'users.organisation_id')
        .select(['organisations.id as id', 'organisations.name as name', 'users.role as role'])
        .where('users.email', '=', op.email).orderBy('organisations.created_at').execute();
    return { operator: op, organisations: orgs };
  });

  app.get('/auth/tokens', async (req) => {
    const op = requireOperator(req);
    const p = pageParams(req.query);
    const rows = await pageQuery(db.selectFrom('operator_tokens').select(['id', 'name', 'preview', 'created_at', 'last_used_at']).where('operator_id', '=', op.id), 'operator_tokens', p).execute();
    return toPage(rows, p.limit, (r) => ({ id: r.id, name: r.name, preview: r.preview, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  });

  app.post('/auth/tokens', { config: { bodySchema: TokenCreate } }, async (req, reply) => {
    const op = requireOperator(req);
    const body = parseBody(TokenCreate, req.body);
    const token = OPERATOR_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const row = { id: randomUUID(), operator_id: op.id, name: body.name, token_hash: sha256Hex(token), preview: token.slice(-4), created_at: nowIso(), last_used_at: null };
    await db.insertInto('operator_tokens').values(row).execute();
    reply.status(201);
    return { id: row.id, name: row.name, preview: row.preview, createdAt: row.created_at, token };
  });

  app.delete('/auth/tokens/:tokenId', async (req, reply) => {
    const op = requireOperator(req);
    const { tokenId } = req.params as { tokenId: string };
    const r = await db.deleteFrom('operator_tokens').where('id', '=', tokenId).where('operator_id', '=', op.id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new GatewayError('not_found', 'Token not found');
    reply.status(204);
  });
}
