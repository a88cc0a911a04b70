import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';
import { hashPassword } from '../crypto/passwords.ts';
import { isUniqueViolation, nowIso } from '../store/db.ts';
import type { TeamTable, UserTable, OrganisationTable } from '../store/schema.ts';
import { ROLES, endCredentials, requireOperator, requireOrg } from './operator-auth.ts';
import { newPassword } from './auth.routes.ts';
import { invitationRoutes } from './invitations.routes.ts';
import { operatorTokenRoutes } from './operator-tokens.routes.ts';
import { json, name, pageParams, parseBody, toPage } from './validation.ts';
import { pageQuery } from './paging.sql.ts';
import { policiesField } from './policies-field.ts';

const OrgCreate = z.object({ name }).strict();
const OrgPatch = z.object({ name: name.optional(), policies: policiesField.optional() }).strict();
const TeamCreate = z.object({ name, policies: policiesField.optional() }).strict();
const TeamPatch = z.object({ name: name.optional(), policies: policiesField.optional() }).strict();
const MemberAdd = z.object({ userId: z.string().min(1) }).strict();
const email = z.string().trim().toLowerCase().email().max(320);
const UserCreate = z.object({ email, name, role: z.enum(ROLES as [string, ...string[]]) }).strict();
/** `password`: a super-admin's reset only (the operator must change it at next login). */
const UserPatch = z.object({ name: name.optional(), role: z.enum(ROLES as [string, ...string[]]).optional(), password: newPassword.optional() }).strict();
const hasPassword = (body: unknown) => typeof body === 'object' && body !== null && 'password' in body;

export const orgView = (o: OrganisationTable) => ({ id: o.id, name: o.name, policies: json.parse(o.policies, {}), createdAt: o.created_at, updatedAt: o.updated_at });
export const teamView = (t: TeamTable) => ({ id: t.id, organisationId: t.organisation_id, name: t.name, policies: json.parse(t.policies, {}), createdAt: t.created_at, updatedAt: t.updated_at });
export const userView = (u: UserTable) => ({
  id: u.id, organisationId: u.organisation_id, email: u.email, name: u.name, role: u.role, consoleAccess: u.operator_id !== null, createdAt: u.created_at, updatedAt: u.updated_at,
});

type OrgParams = { orgId: string };

export async function organisationRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const invalidateOrg = (orgId: string) => app.deps.invalidate({ kind: 'org', orgId });
  await app.register(invitationRoutes);
  await app.register(operatorTokenRoutes);

  app.get('/organisations', async (req) => {
    const op = requireOperator(req);
    const p = pageParams(req.query);
    let q = db.selectFrom('organisations').selectAll('organisations');
    if (!op.superAdmin) q = q.where('id', 'in', db.selectFrom('users').select('organisation_id').where('operator_id', '=', op.id));
    return toPage(await pageQuery(q, 'organisations', p).execute(), p.limit, orgView);
  });

  app.post('/organisations', { config: { bodySchema: OrgCreate } }, async (req, reply) => {
    const op = requireOperator(req);
    if (!op.superAdmin) throw new GatewayError('forbidden', 'Only a super-admin can create organisations');
    const body = parseBody(OrgCreate, req.body);
    const now = nowIso();
    const org = { id: randomUUID(), name: body.name, policies: '{}', created_at: now, updated_at: now };
    await db.insertInto('organisations').values(org).execute();
    reply.status(201);
    return orgView(org);
  });

  app.get<{ Params: OrgParams }>('/organisations/:orgId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return orgView(await db.selectFrom('organisations').selectAll().where('id', '=', req.params.orgId).executeTakeFirstOrThrow());
  });

  app.patch<{ Params: OrgParams }>('/organisations/:orgId', { config: { bodySchema: OrgPatch } }, async (req) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const body = parseBody(OrgPatch, req.body);
    const set: Partial<OrganisationTable> = { updated_at: nowIso() };
    if (body.name !== undefined) set.name = body.name;
    if (body.policies !== undefined) set.policies = JSON.stringify(body.policies);
    await db.updateTable('organisations').set(set).where('id', '=', orgId).execute();
    await invalidateOrg(orgId);
    return orgView(await db.selectFrom('organisations').selectAll().where('id', '=', orgId).executeTakeFirstOrThrow());
  });

  // Teams
  app.get<{ Params: OrgParams }>('/organisations/:orgId/teams', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    const rows = await pageQuery(db.selectFrom('teams').selectAll().where('organisation_id', '=', req.params.orgId), 'teams', p).execute();
    return toPage(rows, p.limit, teamView);
  });

  app.post<{ Params: OrgParams }>('/organisations/:orgId/teams', { config: { bodySchema: TeamCreate } }, async (req, reply) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const body = parseBody(TeamCreate, req.body);
    const now = nowIso();
    const team: TeamTable = { id: randomUUID(), organisation_id: orgId, name: body.name, policies: JSON.stringify(body.policies ?? {}), created_at: now, updated_at: now };
    try {
      await db.insertInto('teams').values(team).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new GatewayError('conflict', `A team named '${body.name}' already exists`, { field: 'name' });
      throw e;
    }
    reply.status(201);
    return teamView(team);
  });

  const findTeam = async (orgId: string, teamId: string) => {
    const t = await db.selectFrom('teams').selectAll().where('organisation_id', '=', orgId).where('id', '=', teamId).executeTakeFirst();
    if (!t) throw new GatewayError('not_found', 'Team not found');
    return t;
  };

  app.get<{ Params: OrgParams & { teamId: string } }>('/organisations/:orgId/teams/:teamId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return teamView(await findTeam(req.params.orgId, req.params.teamId));
  });

  app.patch<{ Params: OrgParams & { teamId: string } }>('/organisations/:orgId/teams/:teamId', { config: { bodySchema: TeamPatch } }, async (req) => {
    const { orgId, teamId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const body = parseBody(TeamPatch, req.body);
    await findTeam(orgId, teamId);
    const set: Partial<TeamTable> = { updated_at: nowIso() };
    if (body.name !== undefined) set.name = body.name;
    if (body.policies !== undefined) set.policies = JSON.stringify(body.policies);
    try {
      await db.updateTable('teams').set(set).where('id', '=', teamId).where('organisation_id', '=', orgId).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new GatewayError('conflict', `A team named '${body.name}' already exists`, { field: 'name' });
      throw e;
    }
    await invalidateOrg(orgId);
    return teamView(await findTeam(orgId, teamId));
  });

  app.delete<{ Params: OrgParams & { teamId: string } }>('/organisations/:orgId/teams/:teamId', async (req, reply) => {
    const { orgId, teamId } = req.params;
    await requireOrg(req, orgId, 'admin');
    await findTeam(orgId, teamId);
    // TEAM keys are owned by the team: they go with it (cascade), and the caches with them.
    await db.deleteFrom('teams').where('id', '=', teamId).where('organisation_id', '=', orgId).execute();
    await invalidateOrg(orgId);
    reply.status(204);
  });

  app.get<{ Params: OrgParams & { teamId: string } }>('/organisations/:orgId/teams/:teamId/members', async (req) => {
    const { orgId, teamId } = req.params;
    await requireOrg(req, orgId, 'read');
    await findTeam(orgId, teamId);
    const p = pageParams(req.query);
    const rows = await pageQuery(db.selectFrom('users').innerJoin('team_members', 'team_members.user_id', 'users.id')
      .selectAll('users').where('team_members.team_id', '=', teamId).where('users.organisation_id', '=', orgId), 'users', p).execute();
    return toPage(rows, p.limit, userView);
  });

  app.post<{ Params: OrgParams & { teamId: string } }>('/organisations/:orgId/teams/:teamId/members', { config: { bodySchema: MemberAdd } }, async (req, reply) => {
    const { orgId, teamId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const body = parseBody(MemberAdd, req.body);
    await findTeam(orgId, teamId);
    const user = await db.selectFrom('users').selectAll().where('id', '=', body.userId).where('organisation_id', '=', orgId).executeTakeFirst();
    if (!user) throw new GatewayError('invalid_request', 'userId does not name a user of this organisation', { field: 'userId' });
    try {
      await db.insertInto('team_members').values({ team_id: teamId, user_id: user.id, organisation_id: orgId, created_at: nowIso() }).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new GatewayError('conflict', 'The user is already a member of this team', { field: 'userId' });
      throw e;
    }
    reply.status(201);
    return userView(user);
  });

  app.delete<{ Params: OrgParams & { teamId: string; userId: string } }>('/organisations/:orgId/teams/:teamId/members/:userId', async (req, reply) => {
    const { orgId, teamId, userId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const r = await db.deleteFrom('team_members').where('team_id', '=', teamId).where('user_id', '=', userId).where('organisation_id', '=', orgId).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new GatewayError('not_found', 'Membership not found');
    reply.status(204);
  });

  // Users (organisation members). A member has console access once linked to an operator login (an accepted invitation).
  app.get<{ Params: OrgParams }>('/organisations/:orgId/users', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    const rows = await pageQuery(db.selectFrom('users').selectAll().where('organisation_id', '=', req.params.orgId), 'users', p).execute();
    return toPage(rows, p.limit, userView);
  });

  // A super-admin's reset: the operator must choose a new password at their next login, and
  // everything opened with the old one ends. Organisation admins never set passwords (invitations).
  const resetOperatorPassword = async (operatorId: string, password: string) => {
    const hash = await hashPassword(password);
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('operators').set({ password_hash: hash, must_change_password: 1 }).where('id', '=', operatorId).execute();
      await endCredentials(tx, operatorId);
    });
  };

  app.post<{ Params: OrgParams }>('/organisations/:orgId/users', { config: { bodySchema: UserCreate } }, async (req, reply) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'admin');
    if (hasPassword(req.body)) throw new GatewayError('invalid_request', 'Operators choose their own password: invite them instead (POST …/invitations)', { field: 'password' });
    const body = parseBody(UserCreate, req.body);
    const now = nowIso();
    // A member record alone opens no console access, even if a login with this email exists:
    // that login joins only by accepting an invitation.
    const user: UserTable = { id: randomUUID(), organisation_id: orgId, email: body.email, name: body.name, role: body.role, operator_id: null, created_at: now, updated_at: now };
    try {
      await db.insertInto('users').values(user).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new GatewayError('conflict', `A user with email '${body.email}' already exists`, { field: 'email' });
      throw e;
    }
    reply.status(201);
    return userView(user);
  });

  const findUser = async (orgId: string, userId: string) => {
    const u = await db.selectFrom('users').selectAll().where('organisation_id', '=', orgId).where('id', '=', userId).executeTakeFirst();
    if (!u) throw new GatewayError('not_found', 'User not found');
    return u;
  };

  app.get<{ Params: OrgParams & { userId: string } }>('/organisations/:orgId/users/:userId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return userView(await findUser(req.params.orgId, req.params.userId));
  });

  app.patch<{ Params: OrgParams & { userId: string } }>('/organisations/:orgId/users/:userId', { config: { bodySchema: UserPatch } }, async (req) => {
    const { orgId, userId } = req.params;
    const { operator } = await requireOrg(req, orgId, 'admin');
    const body = parseBody(UserPatch, req.body);
    const user = await findUser(orgId, userId);
    if (body.password !== undefined) {
      if (!operator.superAdmin) throw new GatewayError('invalid_request', 'Operators choose their own password; only a super-admin can reset one', { field: 'password' });
      if (!user.operator_id) throw new GatewayError('invalid_request', 'This user has no console login: invite them instead', { field: 'password' });
    }
    if (body.role && body.role !== 'admin' && user.operator_id === operator.id && !operator.superAdmin) {
      throw new GatewayError('invalid_request', 'You cannot remove your own admin role', { field: 'role' });
    }
    const set: Partial<UserTable> = { updated_at: nowIso() };
    if (body.name !== undefined) set.name = body.name;
    if (body.role !== undefined) set.role = body.role;
    await db.updateTable('users').set(set).where('id', '=', userId).where('organisation_id', '=', orgId).execute();
    if (body.password !== undefined && user.operator_id) await resetOperatorPassword(user.operator_id, body.password);
    return userView(await findUser(orgId, userId));
  });

  app.delete<{ Params: OrgParams & { userId: string } }>('/organisations/:orgId/users/:userId', async (req, reply) => {
    const { orgId, userId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const user = await findUser(orgId, userId);
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('users').where('id', '=', userId).where('organisation_id', '=', orgId).execute();
      // An operator who belonged only to this organisation has nothing left to act on: their sessions
      // and access tokens end with the membership (a super-admin keeps theirs).
      if (!user.operator_id) return;
      const elsewhere = await tx.selectFrom('users').select('id').where('operator_id', '=', user.operator_id).limit(1).executeTakeFirst();
      const op = await tx.selectFrom('operators').select(['id', 'super_admin']).where('id', '=', user.operator_id).executeTakeFirst();
      if (op && !op.super_admin && !elsewhere) await endCredentials(tx, op.id);
    });
    await invalidateOrg(orgId);
    reply.status(204);
  });
}
