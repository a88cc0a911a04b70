import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { InvitationTable } from '../../store/schema.ts';
import { identityRepos, identityTransaction } from '../../store/repos/identity.repos.ts';
import { name, pageParams, parseBody, toPage } from '../shared/validation.ts';
import { ROLES, operatorView, requireOrg } from '../auth/operator-auth.ts';
import { startSession } from '../auth/session-cookie.ts';
import { clientIpOf, credentialVerifier } from '../auth/credentials.ts';
import { email } from '../auth/credential-fields.ts';
import { createInvitationService } from './invitations.service.ts';

const InvitationCreate = z.object({ email, role: z.enum(ROLES as [string, ...string[]]) }).strict();
const InvitationAccept = z.object({ token: z.string().min(1).max(200), password: z.string().min(1).max(1000).optional(), name: name.optional() }).strict();

const invitationView = (i: InvitationTable) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expires_at, createdAt: i.created_at });

type OrgParams = { orgId: string };

// The token travels in the fragment: browsers never send it, so no access log records it.
const linkOf = (req: FastifyRequest, token: string) => `${req.overTls ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}/accept-invitation#token=${token}`;

/** An organisation's invitations (its admins), and accepting one (whoever holds the link). */
export async function invitationRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const repos = identityRepos(db);
  const invitations = createInvitationService({
    ...repos,
    verify: credentialVerifier(app.deps),
    transaction: identityTransaction(db),
    invalidateOrg: (orgId) => app.deps.invalidate({ kind: 'org', orgId }),
    ttlHours: app.deps.config.INVITATION_TTL_HOURS,
  });

  app.get<{ Params: OrgParams }>('/organisations/:orgId/invitations', async (req) => {
    await requireOrg(req, req.params.orgId, 'admin');
    const p = pageParams(req.query);
    return toPage(await invitations.listLive(req.params.orgId, p), p.limit, invitationView);
  });

  app.post<{ Params: OrgParams }>('/organisations/:orgId/invitations', { config: { bodySchema: InvitationCreate } }, async (req, reply) => {
    const { orgId } = req.params;
    const { operator } = await requireOrg(req, orgId, 'admin');
    const body = parseBody(InvitationCreate, req.body);
    const { invitation, token } = await invitations.invite(orgId, operator.id, body);
    reply.status(201);
    return { ...invitationView(invitation), token, url: linkOf(req, token) };
  });

  app.post<{ Params: OrgParams & { invitationId: string } }>('/organisations/:orgId/invitations/:invitationId/resend', async (req, reply) => {
    const { orgId, invitationId } = req.params;
    const { operator } = await requireOrg(req, orgId, 'admin');
    const { invitation, token } = await invitations.resend(orgId, invitationId, operator.id);
    reply.status(201);
    return { ...invitationView(invitation), token, url: linkOf(req, token) };
  });

  app.delete<{ Params: OrgParams & { invitationId: string } }>('/organisations/:orgId/invitations/:invitationId', async (req, reply) => {
    const { orgId, invitationId } = req.params;
    await requireOrg(req, orgId, 'admin');
    await invitations.revoke(orgId, invitationId);
    reply.status(204);
  });

  app.post('/auth/invitations/accept', { config: { bodySchema: InvitationAccept } }, async (req, reply) => {
    const body = parseBody(InvitationAccept, req.body);
    const { operator, organisation, role } = await invitations.accept({ ...body, current: req.operator, ip: clientIpOf(req) });
    if (req.operator?.id !== operator.id) await startSession(req, reply, operator.id);
    return { operator: operatorView({ ...operator, superAdmin: !!operator.super_admin }), organisation: { ...organisation, role } };
  });
}
