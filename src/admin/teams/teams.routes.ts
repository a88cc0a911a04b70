import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TeamTable } from '../../store/schema.ts';
import { teamRepo } from '../../store/repos/team.repo.ts';
import { userRepo } from '../../store/repos/user.repo.ts';
import { name, pageParams, parseBody, toPage } from '../shared/validation.ts';
import { json } from '../../store/json-column.ts';
import { policiesField } from '../policies/policies-field.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { userView } from '../users/users.routes.ts';
import { createTeamService } from './teams.service.ts';

const TeamCreate = z.object({ name, policies: policiesField.optional() }).strict();
const TeamPatch = z.object({ name: name.optional(), policies: policiesField.optional() }).strict();
const MemberAdd = z.object({ userId: z.string().min(1) }).strict();

export const teamView = (t: TeamTable) => ({ id: t.id, organisationId: t.organisation_id, name: t.name, policies: json.parse(t.policies, {}), createdAt: t.created_at, updatedAt: t.updated_at });

type TeamParams = { orgId: string; teamId: string };

export async function teamRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const teams = createTeamService({ teams: teamRepo(db), users: userRepo(db), invalidateOrg: (orgId) => app.deps.invalidate({ kind: 'org', orgId }) });

  app.get<{ Params: Pick<TeamParams, 'orgId'> }>('/organisations/:orgId/teams', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    return toPage(await teams.list(req.params.orgId, p), p.limit, teamView);
  });

  app.post<{ Params: Pick<TeamParams, 'orgId'> }>('/organisations/:orgId/teams', { config: { bodySchema: TeamCreate } }, async (req, reply) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const body = parseBody(TeamCreate, req.body);
    const team = await teams.create(orgId, body);
    reply.status(201);
    return teamView(team);
  });

  app.get<{ Params: TeamParams }>('/organisations/:orgId/teams/:teamId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return teamView(await teams.get(req.params.orgId, req.params.teamId));
  });

  app.patch<{ Params: TeamParams }>('/organisations/:orgId/teams/:teamId', { config: { bodySchema: TeamPatch } }, async (req) => {
    const { orgId, teamId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const body = parseBody(TeamPatch, req.body);
    return teamView(await teams.update(orgId, teamId, body));
  });

  app.delete<{ Params: TeamParams }>('/organisations/:orgId/teams/:teamId', async (req, reply) => {
    const { orgId, teamId } = req.params;
    await requireOrg(req, orgId, 'admin');
    await teams.delete(orgId, teamId);
    reply.status(204);
  });

  app.get<{ Params: TeamParams }>('/organisations/:orgId/teams/:teamId/members', async (req) => {
    const { orgId, teamId } = req.params;
    await requireOrg(req, orgId, 'read');
    // The team first: an unknown team is a 404 before the paging parameters are read.
    await teams.get(orgId, teamId);
    const p = pageParams(req.query);
    return toPage(await teams.listMembers(orgId, teamId, p), p.limit, userView);
  });

  app.post<{ Params: TeamParams }>('/organisations/:orgId/teams/:teamId/members', { config: { bodySchema: MemberAdd } }, async (req, reply) => {
    const { orgId, teamId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const body = parseBody(MemberAdd, req.body);
    const user = await teams.addMember(orgId, teamId, body.userId);
    reply.status(201);
    return userView(user);
  });

  app.delete<{ Params: TeamParams & { userId: string } }>('/organisations/:orgId/teams/:teamId/members/:userId', async (req, reply) => {
    const { orgId, teamId, userId } = req.params;
    await requireOrg(req, orgId, 'admin');
    await teams.removeMember(orgId, teamId, userId);
    reply.status(204);
  });
}
