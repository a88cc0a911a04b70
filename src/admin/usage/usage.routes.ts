import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors/index.ts';
import { usageRepo } from '../../store/repos/usage.repo.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { pageParams, parseBody, toPage } from '../shared/validation.ts';
import { mcpUsageView, usageView } from './usage.view.ts';
import { createUsageService } from './usage.service.ts';

const iso = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time').transform((s) => new Date(s).toISOString());
const Filters = z.object({
  apiKeyId: z.string().max(100).optional(), modelId: z.string().max(100).optional(), mcpServerId: z.string().max(100).optional(),
  status: z.enum(['success', 'error']).optional(), from: iso.optional(), to: iso.optional(),
  limit: z.string().optional(), cursor: z.string().optional(),
}).strict();

export async function usageRoutes(app: FastifyInstance): Promise<void> {
  const usage = createUsageService({ usage: usageRepo(app.deps.store.db) });

  app.get<{ Params: { orgId: string } }>('/organisations/:orgId/usage', { config: { querySchema: Filters } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const f = parseBody(Filters, req.query ?? {});
    // Model usage has no server column: saying so beats silently ignoring the filter.
    if (f.mcpServerId) throw new GatewayError('invalid_request', 'mcpServerId filters MCP usage: use /usage/mcp', { field: 'mcpServerId' });
    const p = pageParams(req.query);
    return toPage(await usage.list(req.params.orgId, f, p), p.limit, usageView);
  });

  app.get<{ Params: { orgId: string } }>('/organisations/:orgId/usage/mcp', { config: { querySchema: Filters } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const f = parseBody(Filters, req.query ?? {});
    const p = pageParams(req.query);
    return toPage(await usage.listMcp(req.params.orgId, f, p), p.limit, mcpUsageView);
  });
}
