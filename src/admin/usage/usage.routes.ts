import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';
import type { SelectQueryBuilder } from 'kysely';
import type { Database, McpUsageRecordTable, UsageRecordTable } from '../store/schema.ts';
import { requireOrg } from './operator-auth.ts';
import { pageParams, parseBody, toPage } from './validation.ts';
import { pageQuery } from './paging.sql.ts';

const iso = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time').transform((s) => new Date(s).toISOString());
const Filters = z.object({
  apiKeyId: z.string().max(100).optional(), modelId: z.string().max(100).optional(), mcpServerId: z.string().max(100).optional(),
  status: z.enum(['success', 'error']).optional(), from: iso.optional(), to: iso.optional(),
  limit: z.string().optional(), cursor: z.string().optional(),
}).strict();

export const usageView = (u: UsageRecordTable) => ({
  id: u.id, requestId: u.request_id, createdAt: u.created_at, organisationId: u.organisation_id, teamId: u.team_id, userId: u.user_id,
  apiKeyId: u.api_key_id, providerId: u.provider_id, providerType: u.provider_type, modelId: u.model_id, modelName: u.model_name, upstreamSlug: u.upstream_slug,
  surface: u.surface, inputTokens: u.input_tokens, outputTokens: u.output_tokens, cachedTokens: u.cached_tokens, reasoningTokens: u.reasoning_tokens,
  costNanoUsd: Number(u.cost_nano_usd), latencyMs: u.latency_ms, ttftMs: u.ttft_ms, status: u.status, errorCode: u.error_code, streamed: !!u.streamed,
});

export const mcpUsageView = (u: McpUsageRecordTable) => ({
  id: u.id, requestId: u.request_id, createdAt: u.created_at, apiKeyId: u.api_key_id, mcpServerId: u.mcp_server_id, method: u.method, tool: u.tool,
  bytesIn: u.bytes_in, bytesOut: u.bytes_out, status: u.status, errorCode: u.error_code, blocked: !!u.blocked, latencyMs: u.latency_ms,
});

type Filter = z.infer<typeof Filters>;
type UsageTable = 'usage_records' | 'mcp_usage_records';

/** The filters both usage tables share: organisation, key, success or error, time range. */
function filtered<QB extends SelectQueryBuilder<Database, UsageTable, any>>(q: QB, orgId: string, f: Filter): QB {
  let r = q.where('organisation_id', '=', orgId);
  if (f.apiKeyId) r = r.where('api_key_id', '=', f.apiKeyId);
  if (f.status === 'success') r = r.where('status', '<', 400);
  if (f.status === 'error') r = r.where('status', '>=', 400);
  if (f.from) r = r.where('created_at', '>=', f.from);
  if (f.to) r = r.where('created_at', '<', f.to);
  return r as QB;
}

export async function usageRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;

  app.get<{ Params: { orgId: string } }>('/organisations/:orgId/usage', { config: { querySchema: Filters } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const f = parseBody(Filters, req.query ?? {});
    if (f.mcpServerId) throw new GatewayError('invalid_request', 'mcpServerId filters MCP usage: use /usage/mcp', { field: 'mcpServerId' });
    const p = pageParams(req.query);
    let q = filtered(db.selectFrom('usage_records').selectAll(), req.params.orgId, f);
    if (f.modelId) q = q.where('model_id', '=', f.modelId);
    return toPage(await pageQuery(q, 'usage_records', p).execute(), p.limit, usageView);
  });

  app.get<{ Params: { orgId: string } }>('/organisations/:orgId/usage/mcp', { config: { querySchema: Filters } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const f = parseBody(Filters, req.query ?? {});
    const p = pageParams(req.query);
    let q = filtered(db.selectFrom('mcp_usage_records').selectAll(), req.params.orgId, f);
    if (f.mcpServerId) q = q.where('mcp_server_id', '=', f.mcpServerId);
    return toPage(await pageQuery(q, 'mcp_usage_records', p).execute(), p.limit, mcpUsageView);
  });
}
