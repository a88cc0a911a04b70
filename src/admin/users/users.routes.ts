import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors/index.ts';
import type { UserTable } from '../../store/schema.ts';
import { userRepo } from '../../store/repos/user.repo.ts';
import { identityTransaction } from '../../store/repos/identity.repos.ts';
import { name, pageParams, parseBody, toPage } from '../shared/validation.ts';
import { ROLES, requireOrg } from '../auth/operator-auth.ts';
import { email, newPassword } from '../auth/credential-fields.ts';
import { createUserService } from './users.service.ts';

const UserCreate = z.object({ email, name, role: z.enum(ROLES as [string, ...string[]]) }).strict();
/** `password`: a super-admin's reset only (the operator must change it at next login). */
const UserPatch = z.object({ name: name.optional(), role: z.enum(ROLES as [string, ...string[]]).optional(), password: newPassword.optional() }).strict();
const hasPassword = (body: unknown) => typeof body === 'object' && body !== null && 'password' in body;

export const userView = (u: UserTable) => ({
  id: u.id, organisationId: u.organisation_id, email: u.email, name: u.name, role: u.role, consoleAccess: u.operator_id !== null, createdAt: u.created_at, updatedAt: u.updated_at,
});

type OrgParams = { orgId: string };

/** Users: an organisation's members. */
export async function userRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const users = createUserService({
    users: userRepo(db), transaction: identityTransaction(db), invalidateOrg: (orgId) => app.deps.invalidate({ kind: 'org', orgId }),
  });

  app.get<{ Params: OrgParams }>('/organisations/:orgId/users', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    return toPage(await users.list(req.params.orgId, p), p.limit, userView);
  });

  app.post<{ Params: OrgParams }>('/organisations/:orgId/users', { config: { bodySchema: UserCreate } }, async (req, reply) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'admin');
    if (hasPassword(req.body)) throw new GatewayError('invalid_request', 'Operators choose their own password: invite them instead (POST …/invitations)', { field: 'password' });
    const body = parseBody(UserCreate, req.body);
    const user = await users.create(orgId, body);
    reply.status(201);
    return userView(user);
  });

  app.get<{ Params: OrgParams & { userId: string } }>('/organisations/:orgId/users/:userId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return userView(await users.get(req.params.orgId, req.params.userId));
  });

  app.patch<{ Params: OrgParams & { userId: string } }>('/organisations/:orgId/users/:userId', { config: { bodySchema: UserPatch } }, async (req) => {
    const { orgId, userId } = req.params;
    const { operator } = await requireOrg(req, orgId, 'admin');
    const body = parseBody(UserPatch, req.body);
    return userView(await users.update(orgId, userId, body, operator));
  });

  app.delete<{ Params: OrgParams & { userId: string } }>('/organisations/:orgId/users/:userId', async (req, reply) => {
    const { orgId, userId } = req.params;
    await requireOrg(req, orgId, 'admin');
    await users.delete(orgId, userId);
    reply.status(204);
  });
}
