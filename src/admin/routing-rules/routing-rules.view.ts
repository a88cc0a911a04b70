import type { RoutingRuleTable } from '../../store/schema.ts';
import { json } from '../../store/json-column.ts';

export const routingRuleView = (r: RoutingRuleTable) => ({
  id: r.id, organisationId: r.organisation_id, modelId: r.model_id, apiKeyId: r.api_key_id, strategy: r.strategy,
  candidates: json.parse(r.candidates, []), failoverOn: json.parse(r.failover_on, []), maxAttempts: r.max_attempts, retryDelayMs: r.retry_delay_ms,
  createdAt: r.created_at, updatedAt: r.updated_at,
});
