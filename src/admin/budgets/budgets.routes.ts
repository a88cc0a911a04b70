import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { budgetRepo } from '../../store/repos/budget.repo.ts';
import type { BudgetTable } from '../../store/schema.ts';
import { budgetDef } from '../../budgets/budget-definitions.ts';
import { id, pageParams, parseBody, toPage } from '../shared/validation.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { createBudgetService } from './budgets.service.ts';
import { budgetView } from './budgets.view.ts';
import { formatUsd } from '../../budgets/money.ts';
import { ownerFilter, ownerType, period, timezone } from './limit-fields.ts';

const thresholds = z.array(z.number().int().min(1).max(1000)).max(20);
const amountUsd = z.string().min(1).max(30);
const action = z.enum(['BLOCK', 'ALERT']);
const BudgetCreate = z.object({ ownerType, ownerId: id, period, timezone: timezone.optional(), amountUsd, rollover: z.boolean().optional(), thresholds: thresholds.optional(), action: action.optional() }).strict();
const BudgetPatch = z.object({ period: period.optional(), timezone: timezone.optional(), amountUsd: amountUsd.optional(), rollover: z.boolean().optional(), thresholds: thresholds.optional(), action: action.optional() }).strict();

type Params = { orgId: string; budgetId: string };

export async function budgetRoutes(app: FastifyInstance): Promise<void> {
  const repo = budgetRepo(app.deps.store.db);
  const budgets = createBudgetService({ repo, invalidateOrg: (orgId) => app.deps.invalidate({ kind: 'org', orgId }) });
  const view = async (b: BudgetTable) => budgetView(b, await app.deps.budgets.enforcer.budgetStatus(budgetDef(b)));

  app.get<{ Params: Pick<Params, 'orgId'> }>('/organisations/:orgId/budgets', { config: { querySchema: ownerFilter } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const q = parseBody(ownerFilter, req.query ?? {});
    const p = pageParams(req.query);
    const rows = await budgets.list(req.params.orgId, p, q.ownerType && q.ownerId ? { type: q.ownerType, id: q.ownerId } : undefined);
    const page = toPage(rows, p.limit, (b) => b);
    return { items: await Promise.all(page.items.map(view)), nextCursor: page.nextCursor };
  });

  app.post<{ Params: Pick<Params, 'orgId'> }>('/organisations/:orgId/budgets', { config: { bodySchema: BudgetCreate } }, async (req, reply) => {
    await requireOrg(req, req.params.orgId, 'write');
    const b = await budgets.create(req.params.orgId, parseBody(BudgetCreate, req.body));
    reply.status(201);
    return view(b);
  });

  app.get<{ Params: Params }>('/organisations/:orgId/budgets/:budgetId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return view(await budgets.get(req.params.orgId, req.params.budgetId));
  });

  app.patch<{ Params: Params }>('/organisations/:orgId/budgets/:budgetId', { config: { bodySchema: BudgetPatch } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'write');
    return view(await budgets.update(req.params.orgId, req.params.budgetId, parseBody(BudgetPatch, req.body)));
  });

  app.delete<{ Params: Params }>('/organisations/:orgId/budgets/:budgetId', async (req, reply) => {
    await requireOrg(req, req.params.orgId, 'write');
    await budgets.delete(req.params.orgId, req.params.budgetId);
    reply.status(204);
  });

  app.get<{ Params: Params }>('/organisations/:orgId/budgets/:budgetId/alerts', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    await budgets.get(req.params.orgId, req.params.budgetId);
    const p = pageParams(req.query);
    return toPage(await repo.listAlerts(req.params.orgId, p, req.params.budgetId), p.limit, (a) => ({
      id: a.id, budgetId: a.budget_id, periodStart: a.period_start, threshold: a.threshold, createdAt: a.created_at,
      spentUsd: formatUsd(Number(a.spent_nano_usd)), limitUsd: formatUsd(Number(a.limit_nano_usd)),
    }));
  });
}
