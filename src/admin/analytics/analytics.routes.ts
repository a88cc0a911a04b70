import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors/index.ts';
import { analyticsRepo } from '../../store/repos/analytics.repo.ts';
import { usageRepo } from '../../store/repos/usage.repo.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { parseBody } from '../shared/validation.ts';
import { usageView } from '../usage/usage.view.ts';
import { createAnalyticsService, MCP_GROUPS, USAGE_GROUPS } from './analytics.service.ts';
import { csvLine } from './analytics.view.ts';

const iso = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time').transform((s) => new Date(s).toISOString());
const id = z.string().max(200);
const Range = {
  from: iso.optional(), to: iso.optional(), interval: z.enum(['minute', 'hour', 'day']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(), outcome: z.enum(['success', 'error']).optional(),
};
const UsageQuery = z.object({
  ...Range, groupBy: z.enum(Object.keys(USAGE_GROUPS) as [keyof typeof USAGE_GROUPS]).optional(),
  apiKeyId: id.optional(), teamId: id.optional(), userId: id.optional(), modelId: id.optional(), providerId: id.optional(), status: id.optional(),
}).strict();
const McpQuery = z.object({
  ...Range, groupBy: z.enum(Object.keys(MCP_GROUPS) as [keyof typeof MCP_GROUPS]).optional(),
  apiKeyId: id.optional(), mcpServerId: id.optional(), tool: id.optional(), status: id.optional(),
}).strict();
/** period: 2026-11, 2026-Q4 or 2026 (UTC); default: the current month. */
const ChargebackQuery = z.object({ period: z.string().max(10).optional() }).strict();
const RecordsQuery = z.object({
  apiKeyId: id.optional(), modelId: id.optional(), status: z.enum(['success', 'error']).optional(), from: iso.optional(), to: iso.optional(),
}).strict();

/** Streams CSV lines as a download; the first line names the columns. */
function sendCsv(reply: FastifyReply, name: string, header: string[], lines: AsyncIterable<unknown[]> | Iterable<unknown[]>) {
  async function* body() {
    yield csvLine(header);
    for await (const l of lines) yield csvLine(l);
  }
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(body()));
}

const RECORD_COLUMNS = ['id', 'requestId', 'createdAt', 'apiKeyId', 'teamId', 'userId', 'providerId', 'providerType', 'modelId', 'modelName', 'surface', 'status', 'errorCode',
  'inputTokens', 'outputTokens', 'cachedTokens', 'reasoningTokens', 'costUsd', 'latencyMs', 'ttftMs', 'streamed'] as const;
const SERIES_COLUMNS = ['bucket', 'group', 'groupName', 'requests', 'errors', 'inputTokens', 'outputTokens', 'cachedTokens', 'costUsd', 'latencyAvgMs', 'latencyP50Ms', 'latencyP95Ms'] as const;

/** Analytics (rollups), the chargeback report and the CSV exports. Members may read all of it. */
export async function analyticsRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.store.db;
  const analytics = createAnalyticsService({ analytics: analyticsRepo(db), usage: usageRepo(db) });
  type Req = { Params: { orgId: string } };

  app.get<Req>('/organisations/:orgId/analytics', { config: { querySchema: UsageQuery } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return analytics.usage(req.params.orgId, parseBody(UsageQuery, req.query ?? {}));
  });

  app.get<Req>('/organisations/:orgId/analytics/mcp', { config: { querySchema: McpQuery } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return analytics.mcp(req.params.orgId, parseBody(McpQuery, req.query ?? {}));
  });

  app.get<Req>('/organisations/:orgId/analytics/chargeback', { config: { querySchema: ChargebackQuery } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return analytics.chargeback(req.params.orgId, parseBody(ChargebackQuery, req.query ?? {}).period);
  });

  app.get<Req>('/organisations/:orgId/analytics/export.csv', { config: { querySchema: UsageQuery } }, async (req, reply) => {
    await requireOrg(req, req.params.orgId, 'read');
    const r = await analytics.usage(req.params.orgId, parseBody(UsageQuery, req.query ?? {}));
    return sendCsv(reply, 'odock-analytics.csv', [...SERIES_COLUMNS], r.series.map((s) => SERIES_COLUMNS.map((c) => s[c])));
  });

  app.get<Req>('/organisations/:orgId/usage/export.csv', { config: { querySchema: RecordsQuery } }, async (req, reply) => {
    await requireOrg(req, req.params.orgId, 'read');
    const f = parseBody(RecordsQuery, req.query ?? {});
    if (f.from && f.to && f.from >= f.to) throw new GatewayError('invalid_request', 'from must be before to', { field: 'from' });
    const records = analytics.records(req.params.orgId, f);
    async function* lines() {
      for await (const rec of records) {
        const v = usageView(rec);
        const row: Record<string, unknown> = { ...v, costUsd: v.costNanoUsd / 1e9 };
        yield RECORD_COLUMNS.map((c) => row[c]);
      }
    }
    return sendCsv(reply, 'odock-usage.csv', [...RECORD_COLUMNS], lines());
  });
}
