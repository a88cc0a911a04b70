import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors/index.ts';
import type { OrganisationTable } from '../../store/schema.ts';
import { organisationRepo } from '../../store/repos/organisation.repo.ts';
import { name, pageParams, parseBody, toPage } from '../shared/validation.ts';
import { json } from '../../store/json-column.ts';
import { policiesField } from '../policies/policies-field.ts';
import { requireOperator, requireOrg } from '../auth/operator-auth.ts';
import { createOrganisationService } from './organisations.service.ts';

const OrgCreate = z.object({ name }).strict();
const OrgPatch = z.object({ name: name.optional(), policies: policiesField.optional() }).strict();

export const orgView = (o: OrganisationTable) => ({ id: o.id, name: o.name, policies: json.parse(o.policies, {}), createdAt: o.created_at, updatedAt: o.updated_at });

type OrgParams = { orgId: string };

export async function organisationRoutes(app: FastifyInstance): Promise<void> {
  const organisations = createOrganisationService({
    organisations: organisationRepo(app.deps.store.db),
    invalidateOrg: (orgId) => app.deps.invalidate({ kind: 'org', orgId }),
  });

  app.get('/organisations', async (req) => {
    const op = requireOperator(req);
    const p = pageParams(req.query);
    return toPage(await organisations.list(op, p), p.limit, orgView);
  });

  app.post('/organisations', { config: { bodySchema: OrgCreate } }, async (req, reply) => {
    const op = requireOperator(req);
    if (!op.superAdmin) throw new GatewayError('forbidden', 'Only a super-admin can create organisations');
    const body = parseBody(OrgCreate, req.body);
    const org = await organisations.create(body);
    reply.status(201);
    return orgView(org);
  });

  app.get<{ Params: OrgParams }>('/organisations/:orgId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return orgView(await organisations.get(req.params.orgId));
  });

  app.patch<{ Params: OrgParams }>('/organisations/:orgId', { config: { bodySchema: OrgPatch } }, async (req) => {
    const { orgId } = req.params;
    await requireOrg(req, orgId, 'admin');
    const body = parseBody(OrgPatch, req.body);
    return orgView(await organisations.update(orgId, body));
  });
}
