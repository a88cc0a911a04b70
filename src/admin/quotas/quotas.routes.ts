import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { budgetRepo } from '../../store/repos/budget.repo.ts';
import type { QuotaTable } from '../../store/schema.ts';
import { quotaDef } from '../../budgets/budget-definitions.ts';
import { id, pageParams, parseBody, toPage } from '../shared/validation.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { ownerFilter, ownerType, period, timezone } from '../budgets/limit-fields.ts';
import { createQuotaService } from './quotas.service.ts';

const metric = z.enum(['REQUESTS', 'TOKENS', 'INPUT_TOKENS', 'OUTPUT_TOKENS']);
const limit = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const QuotaCreate = z.object({ ownerType, ownerId: id, period, timezone: timezone.optional(), metric, limit }).strict();
const QuotaPatch = z.object({ period: period.optional(), timezone: timezone.optional(), metric: metric.optional(), limit: limit.optional() }).strict();

type Params = { orgId: string; quotaId: string };

export async function quotaRoutes(app: FastifyInstance): Promise<void> {
  const quotas = createQuotaService({ repo: budgetRepo(app.deps.store.db), invalidateOrg: (orgId) => app.deps.invalidate({ kind: 'org', orgId }) });
  const view = async (q: QuotaTable) => {
    const d = quotaDef(q);
    const s = await app.deps.budgets.enforcer.quotaStatus(d);
    return {
      id: d.id, organisationId: d.orgId, ownerType: d.ownerType, ownerId: d.ownerId, period: d.period, timezone: d.timezone, metric: d.metric, limit: d.limit,
      used: s.used, reserved: s.reserved, remaining: Math.max(0, d.limit - s.used - s.reserved),
      periodStart: new Date(s.bounds.start).toISOString(), resetsAt: s.bounds.end === null ? null : new Date(s.bounds.end).toISOString(),
      createdAt: q.created_at, updatedAt: q.updated_at,
    };
  };

  app.get<{ Params: Pick<Params, 'orgId'> }>('/organisations/:orgId/quotas', { config: { querySchema: ownerFilter } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const f = parseBody(ownerFilter, req.query ?? {});
    const p = pageParams(req.query);
    const page = toPage(await quotas.list(req.params.orgId, p, f.ownerType && f.ownerId ? { type: f.ownerType, id: f.ownerId } : undefined), p.limit, (q) => q);
    return { items: await Promise.all(page.items.map(view)), nextCursor: page.nextCursor };
  });

  app.post<{ Params: Pick<Params, 'orgId'> }>('/organisations/:orgId/quotas', { config: { bodySchema: QuotaCreate } }, async (req, reply) => {
    await requireOrg(req, req.params.orgId, 'write');
    const q = await quotas.create(req.params.orgId, parseBody(QuotaCreate, req.body));
    reply.status(201);
    return view(q);
  });

  app.get<{ Params: Params }>('/organisations/:orgId/quotas/:quotaId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return view(await quotas.get(req.params.orgId, req.params.quotaId));
  });

  app.patch<{ Params: Params }>('/organisations/:orgId/quotas/:quotaId', { config: { bodySchema: QuotaPatch } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'write');
    return view(await quotas.update(req.params.orgId, req.params.quotaId, parseBody(QuotaPatch, req.body)));
  });

  app.delete<{ Params: Params }>('/organisations/:orgId/quotas/:quotaId', async (req, reply) => {
    await requireOrg(req, req.params.orgId, 'write');
    await quotas.delete(req.params.orgId, req.params.quotaId);
    reply.status(204);
  });
}
