import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';
import { sha256Hex } from '../crypto/tokens.ts';
import { hashPassword } from '../crypto/passwords.ts';
import { isUniqueViolation, nowIso } from '../store/db.ts';
import type { InvitationTable } from '../store/schema.ts';
import { ROLES, operatorView, requireOrg, startSession } from './operator-auth.ts';
import { verifyCredentials } from './credentials.ts';
import { newPassword } from './auth.routes.ts';
import { name, pageParams, parseBody, toPage } from './validation.ts';
import { pageQuery } from './paging.sql.ts';

const INVITATION_PREFIX = 'odi_';
const email = z.string().trim().toLowerCase().email().max(320);
const InvitationCreate = z.object({ email, role: z.enum(ROLES as [string, ...string[]]) }).strict();
const InvitationAccept = z.object({ token: z.string().min(1).max(200), password: z.string().min(1).max(1000).optional(), name: name.optional() }).strict();

const invitationView = (i: InvitationTable) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expires_at, createdAt: i.created_at });

type OrgParams = { orgId: string };

/**
 * Operators join an organisation by invitation: an admin invites an email and passes the link on;
 * whoever opens it sets their own password, or — when the email already has a login — proves
 * they own it. Nobody else ever chooses an operator's password.
 */
export async function invitationRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const ttlHours = app.deps.config.INVITATION_TTL_HOURS;

  app.get<{ Params: OrgParams }>('/organisations/:orgId/invitations', async (req) => {
    await requireOrg(req, req.params.orgId, 'admin');
    const p = pageParams(req.query);
    const rows = await pageQuery(db.selectFrom('invitations').selectAll()
      .where('organisation_id', '=', req.params.orgId).where('expires_at', '>', nowIso()), 'invitations', p).execute();
    return toPage(rows, p.limit, invitationView);
  });

  app.post<{ Params: OrgParams }>('/organisations/:orgId/invitations', { config: { bodySchema: InvitationCreate } }, async (req, reply) => {
    const { orgId } = req.params;
    const { operator } = await requireOrg(req, orgId, 'admin');
    const body = parseBody(InvitationCreate, req.body);
    const member = await db.selectFrom('users').innerJoin('operators', 'operators.id', 'users.operator_id').select('users.id')
      .where('users.organisation_id', '=', orgId).where('operators.email', '=', body.email).executeTakeFirst();
    if (member) throw new GatewayError('conflict', `${body.email} is already a member with a console login`, { field: 'email' });
    const token = INVITATION_PREFIX + randomBytes(32).toString('base64url');
    const now = new Date();
    const inv: InvitationTable = {
      id: randomUUID(), organisation_id: orgId, email: body.email, role: body.role, token_hash: sha256Hex(token),
      invited_by: operator.id, expires_at: new Date(now.getTime() + ttlHours * 3600_000).toISOString(), created_at: now.toISOString(),
    };
    await db.transaction().execute(async (tx) => {
      // One live link per email: inviting again replaces the previous one.
      await tx.deleteFrom('invitations').where('organisation_id', '=', orgId).where('email', '=', body.email).execute();
      await tx.insertInto('invitations').values(inv).execute();
    });
    // The token travels in the fragment: browsers never send it, so no access log records it.
    const host = req.headers.host ?? 'localhost';
    const url = `${req.overTls ? 'https' : 'http'}://${host}/accept-invitation#token=${token}`;
    reply.status(201);
    return { ...invitationView(inv), token, url };
  });

  app.delete<{ Params: OrgParams & { invitationId: string } }>('/organisations/:orgId/invitations/:invitationId', async (req, reply) => {
    const { orgId, invitationId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const r = await db.deleteFrom('invitations').where('id', '=', invitationId).where('organisation_id', '=', orgId).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new GatewayError('not_found', 'Invitation not found');
    reply.status(204);
  });

  app.post('/auth/invitations/accept', { config: { bodySchema: InvitationAccept } }, async (req, reply) => {
    const body = parseBody(InvitationAccept, req.body);
    const inv = await db.selectFrom('invitations').selectAll()
      .where('token_hash', '=', sha256Hex(body.token)).where('expires_at', '>', nowIso()).executeTakeFirst();
    if (!inv) throw new GatewayError('not_found', 'This invitation link is invalid, was revoked or has expired');
    const existing = await db.selectFrom('operators').selectAll().where('email', '=', inv.email).executeTakeFirst();
    let operatorId: string;
    let displayName: string;
    if (existing) {
      // The email already has a login: only its owner may join with it, and its password stays theirs.
      if (req.operator?.id !== existing.id) {
        if (!body.password) throw new GatewayError('unauthorized', `${inv.email} already has a login: enter its password, or log in first`, { field: 'password' });
        const op = await verifyCredentials(req, inv.email, body.password);
        if (op.must_change_password) throw new GatewayError('password_change_required', 'Your password was reset: choose a new one first, then open the invitation again');
      }
      operatorId = existing.id;
      displayName = existing.name;
    } else {
      const password = newPassword.safeParse(body.password ?? '');
      if (!password.success) throw new GatewayError('invalid_request', `password: ${password.error.issues[0].message}`, { field: 'password' });
      operatorId = randomUUID();
      displayName = body.name ?? inv.email.split('@')[0];
      const hash = await hashPassword(password.data);
      try {
        await db.insertInto('operators').values({ id: operatorId, email: inv.email, name: displayName, password_hash: hash, super_admin: 0, must_change_password: 0, created_at: nowIso() }).execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw new GatewayError('conflict', 'This invitation was just accepted: open it again to join with that login');
        throw e;
      }
    }
    const now = nowIso();
    await db.transaction().execute(async (tx) => {
      const member = await tx.selectFrom('users').select('id').where('organisation_id', '=', inv.organisation_id).where('email', '=', inv.email).executeTakeFirst();
      if (member) await tx.updateTable('users').set({ operator_id: operatorId, role: inv.role, updated_at: now }).where('id', '=', member.id).execute();
      else {
        await tx.insertInto('users').values({
          id: randomUUID(), organisation_id: inv.organisation_id, email: inv.email, name: body.name ?? displayName, role: inv.role, operator_id: operatorId, created_at: now, updated_at: now,
        }).execute();
      }
      await tx.deleteFrom('invitations').where('organisation_id', '=', inv.organisation_id).where('email', '=', inv.email).execute();
    });
    await app.deps.invalidate({ kind: 'org', orgId: inv.organisation_id });
    if (req.operator?.id !== operatorId) await startSession(req, reply, operatorId);
    const op = await db.selectFrom('operators').select(['id', 'email', 'name', 'super_admin']).where('id', '=', operatorId).executeTakeFirstOrThrow();
    const org = await db.selectFrom('organisations').select(['id', 'name']).where('id', '=', inv.organisation_id).executeTakeFirstOrThrow();
    return { operator: operatorView({ ...op, superAdmin: !!op.super_admin }), organisation: { ...org, role: inv.role } };
  });
}
