import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { auditRepo, type AuditFilter } from '../../store/repos/audit.repo.ts';
import { GatewayError } from '../../errors/index.ts';
import { requireOperator, requireOrg } from '../auth/operator-auth.ts';
import { pageParams, parseBody, toPage } from '../shared/validation.ts';
import { auditEntryView } from './audit-log.view.ts';
import { createAuditLogService } from './audit-log.service.ts';

const iso = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date or date-time').transform((s) => new Date(s).toISOString());
const text = z.string().trim().min(1).max(200);
const Filters = z.object({
  actor: text.optional(), action: z.string().trim().min(1).max(100).regex(/^[a-z_.]+$/, 'must look like api_key.revoke or api_key').optional(),
  targetType: text.optional(), targetId: text.optional(), from: iso.optional(), to: iso.optional(),
  limit: z.string().optional(), cursor: z.string().optional(),
}).strict();
const DeploymentFilters = Filters.extend({ organisationId: text.optional(), scope: z.enum(['all', 'deployment']).optional() }).strict();

const filterOf = (f: z.infer<typeof Filters>): AuditFilter => ({
  actor: f.actor, action: f.action?.replace(/\.$/, ''), targetType: f.targetType, targetId: f.targetId, from: f.from, to: f.to,
});

/**
 * The audit log, read-only: there is no route that changes or deletes an entry (and the table's
 * triggers refuse it anyway). An organisation's log is for its admins only: it names every
 * operator, their IPs and every change, including those a manager cannot make. The
 * deployment-wide log (every organisation, plus logins and one's own tokens) is for super-admins.
 */
export async function auditLogRoutes(app: FastifyInstance): Promise<void> {
  const log = createAuditLogService({ audit: auditRepo(app.deps.store.db) });

  const sendCsv = (reply: FastifyReply, f: AuditFilter, name: string) => {
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.csv"`);
    return reply.send(Readable.from(log.csv(f)));
  };

  app.get<{ Params: { orgId: string } }>('/organisations/:orgId/audit-log', { config: { querySchema: Filters } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'admin');
    const f = parseBody(Filters, req.query ?? {});
    const p = pageParams(req.query);
    return toPage(await log.list({ ...filterOf(f), organisationId: req.params.orgId }, p), p.limit, auditEntryView);
  });

  app.get<{ Params: { orgId: string } }>('/organisations/:orgId/audit-log/export', { config: { querySchema: Filters } }, async (req, reply) => {
    await requireOrg(req, req.params.orgId, 'admin');
    const f = parseBody(Filters, req.query ?? {});
    return sendCsv(reply, { ...filterOf(f), organisationId: req.params.orgId }, 'audit-log');
  });

  const deploymentFilter = (req: { query: unknown }): AuditFilter => {
    const f = parseBody(DeploymentFilters, req.query ?? {});
    return { ...filterOf(f), organisationId: f.organisationId, deploymentOnly: f.scope === 'deployment' };
  };
  const requireSuperAdmin = (req: Parameters<typeof requireOperator>[0]) => {
    if (!requireOperator(req).superAdmin) throw new GatewayError('forbidden', 'The deployment-wide audit log is for super-admins');
  };

  app.get('/audit-log', { config: { querySchema: DeploymentFilters } }, async (req) => {
    requireSuperAdmin(req);
    const f = deploymentFilter(req);
    const p = pageParams(req.query);
    return toPage(await log.list(f, p), p.limit, auditEntryView);
  });

  app.get('/audit-log/export', { config: { querySchema: DeploymentFilters } }, async (req, reply) => {
    requireSuperAdmin(req);
    return sendCsv(reply, deploymentFilter(req), 'audit-log-deployment');
  });
}
