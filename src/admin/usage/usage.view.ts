import type { McpUsageRecordTable, UsageRecordTable } from '../../store/schema.ts';

export const usageView = (u: UsageRecordTable) => ({
  id: u.id, requestId: u.request_id, createdAt: u.created_at, organisationId: u.organisation_id, teamId: u.team_id, userId: u.user_id,
  apiKeyId: u.api_key_id, providerId: u.provider_id, providerType: u.provider_type, modelId: u.model_id, modelName: u.model_name, upstreamSlug: u.upstream_slug,
  surface: u.surface, inputTokens: u.input_tokens, outputTokens: u.output_tokens, cachedTokens: u.cached_tokens, reasoningTokens: u.reasoning_tokens,
  costNanoUsd: Number(u.cost_nano_usd), latencyMs: u.latency_ms, ttftMs: u.ttft_ms, status: u.status, errorCode: u.error_code, streamed: !!u.streamed,
  attempts: u.attempts ? JSON.parse(u.attempts) : null, rerouted: !!u.rerouted,
});

export const mcpUsageView = (u: McpUsageRecordTable) => ({
  id: u.id, requestId: u.request_id, createdAt: u.created_at, apiKeyId: u.api_key_id, mcpServerId: u.mcp_server_id, method: u.method, tool: u.tool,
  bytesIn: u.bytes_in, bytesOut: u.bytes_out, status: u.status, errorCode: u.error_code, blocked: !!u.blocked, latencyMs: u.latency_ms,
});
