// Row types of every table. Booleans are integers (0/1) and timestamps ISO-8601 UTC strings on
// both dialects, so one migration source and one query layer serve SQLite and PostgreSQL.
export type Bool = number;

export interface OrganisationTable { id: string; name: string; policies: string; created_at: string; updated_at: string }
export interface OperatorTable { id: string; email: string; name: string; password_hash: string; super_admin: Bool; must_change_password: Bool; created_at: string }
export interface SessionTable { id_hash: string; operator_id: string; expires_at: string; created_at: string }
export interface OperatorTokenTable { id: string; operator_id: string; name: string; token_hash: string; preview: string; created_at: string; last_used_at: string | null; expires_at: string }
export interface TeamTable { id: string; organisation_id: string; name: string; policies: string; created_at: string; updated_at: string }
export interface UserTable { id: string; organisation_id: string; email: string; name: string; role: string; created_at: string; updated_at: string; operator_id: string | null }
export interface InvitationTable { id: string; organisation_id: string; email: string; role: string; token_hash: string; invited_by: string | null; expires_at: string; created_at: string }
export interface TeamMemberTable { team_id: string; user_id: string; organisation_id: string; created_at: string }
export interface ProviderTable {
  id: string; organisation_id: string; type: string; name: string; base_url: string; timeout_ms: number;
  enabled: Bool; config: string; created_at: string; updated_at: string;
}
export interface ProviderKeyTable {
  id: string; organisation_id: string; provider_id: string; name: string; ciphertext: string; key_preview: string;
  revoked: Bool; created_at: string;
}
export interface ModelTable {
  id: string; organisation_id: string; name: string; slug: string; provider_id: string; provider_api_key_id: string | null;
  type: string; capabilities: string; pricing: string; policies: string; created_at: string; updated_at: string;
}
export interface ApiKeyTable {
  id: string; organisation_id: string; type: string; team_id: string | null; user_id: string | null; name: string | null;
  key_hash: string; key_last4: string; pending_secret: string | null;
  expiry: string | null; expiry_local: string | null; timezone: string;
  revealed: Bool; revoked: Bool; policies: string; created_by: string | null;
  created_at: string; updated_at: string; last_used_at: string | null;
}
export interface ApiKeyRotationTable {
  id: string; organisation_id: string; api_key_id: string; rotated_at: string; masked_old_key: string;
  old_expiry: string | null; new_expiry: string | null; rotated_by: string | null;
}
export interface ApiKeyModelAccessTable { api_key_id: string; model_id: string; organisation_id: string; created_at: string }
export interface McpServerTable {
  id: string; organisation_id: string; name: string; slug: string; description: string | null; transport: string;
  endpoint_url: string | null; command: string | null; args: string; env_ciphertext: string | null;
  auth_type: string; auth_config: string; auth_ciphertext: string | null; enabled: Bool;
  allowed_tools: string; blocked_tools: string; created_at: string; updated_at: string;
  price_nano_usd?: number;
}
export interface ApiKeyMcpAccessTable { api_key_id: string; mcp_server_id: string; organisation_id: string; created_at: string }
export interface UsageRecordTable {
  id: string; request_id: string; organisation_id: string; team_id: string | null; user_id: string | null; api_key_id: string | null;
  provider_id: string | null; provider_type: string | null; model_id: string | null; model_name: string | null; upstream_slug: string | null;
  surface: string; input_tokens: number; output_tokens: number; cached_tokens: number; reasoning_tokens: number;
  cost_nano_usd: number; latency_ms: number; ttft_ms: number | null; status: number; error_code: string | null;
  streamed: Bool; created_at: string;
  /** Routing: JSON list of the attempts ({modelId, deploymentId, status, errorCode, latencyMs}), null when the call was not routed. */
  attempts?: string | null; rerouted?: Bool;
}
export interface McpUsageRecordTable {
  id: string; request_id: string; organisation_id: string; api_key_id: string | null; mcp_server_id: string | null;
  method: string | null; tool: string | null; bytes_in: number; bytes_out: number; status: number; error_code: string | null;
  blocked: Bool; latency_ms: number; created_at: string;
  cost_nano_usd?: number;
}
export interface AuditLogTable {
  id: string; created_at: string; organisation_id: string | null; actor_type: string; actor_id: string | null; actor_label: string | null;
  operator_id: string | null; operator_email: string | null; ip: string | null; action: string; target_type: string | null; target_id: string | null;
  changes: string;
}
export interface ModelDeploymentTable {
  id: string; organisation_id: string; model_id: string; provider_id: string; provider_api_key_id: string; slug: string; weight: number;
  created_at: string; updated_at: string;
}
export interface RoutingRuleTable {
  id: string; organisation_id: string; model_id: string; api_key_id: string | null; strategy: string; candidates: string; failover_on: string;
  max_attempts: number; retry_delay_ms: number; created_at: string; updated_at: string;
}
export interface MetaTable { key: string; value: string }
export interface ExternalIdentityTable {
  id: string; operator_id: string; provider: string; issuer: string; subject: string; email: string | null; created_at: string; last_login_at: string | null;
}
export interface SsoLoginFlowTable { state_hash: string; provider: string; nonce: string; code_verifier: string; link_operator_id: string | null; expires_at: string; created_at: string }
export interface BudgetTable {
  id: string; organisation_id: string; owner_type: string; owner_id: string; period: string; timezone: string;
  amount_nano_usd: number; rollover: Bool; thresholds: string; action: string; created_at: string; updated_at: string;
}
export interface QuotaTable {
  id: string; organisation_id: string; owner_type: string; owner_id: string; period: string; timezone: string;
  metric: string; limit_value: number; created_at: string; updated_at: string;
}
export interface BudgetAlertTable {
  id: string; organisation_id: string; budget_id: string; period_start: string; threshold: number;
  spent_nano_usd: number; limit_nano_usd: number; created_at: string;
}
export interface WebhookTable {
  id: string; organisation_id: string; url: string; secret_ciphertext: string; events: string; enabled: Bool; created_at: string; updated_at: string;
}
export interface WebhookDeliveryTable {
  id: string; organisation_id: string; webhook_id: string; event: string; payload: string; status: string; attempts: number;
  next_attempt_at: string; claimed_by: string | null; claimed_until: string | null; last_status_code: number | null;
  last_error: string | null; delivered_at: string | null; created_at: string;
}
/** Latency histogram counts h0..h23 (see usage/latency-histogram.ts), on both rollup tables. */
export type HistogramColumns = { [K in `h${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23}`]: number };
export interface UsageRollupTable extends HistogramColumns {
  granularity: string; rollup_set: string; bucket: string; organisation_id: string; api_key_id: string; team_id: string; user_id: string; model_id: string;
  provider_id: string; status: string; requests: number; errors: number; input_tokens: number; output_tokens: number; cached_tokens: number;
  cost_nano_usd: number; latency_sum_ms: number;
}
export interface McpUsageRollupTable extends HistogramColumns {
  granularity: string; rollup_set: string; bucket: string; organisation_id: string; api_key_id: string; mcp_server_id: string; tool: string; status: string;
  requests: number; errors: number; blocked: number; bytes_in: number; bytes_out: number; latency_sum_ms: number;
}

export interface Database {
  organisations: OrganisationTable;
  operators: OperatorTable;
  sessions: SessionTable;
  operator_tokens: OperatorTokenTable;
  teams: TeamTable;
  users: UserTable;
  team_members: TeamMemberTable;
  providers: ProviderTable;
  provider_keys: ProviderKeyTable;
  models: ModelTable;
  api_keys: ApiKeyTable;
  api_key_rotations: ApiKeyRotationTable;
  api_key_model_access: ApiKeyModelAccessTable;
  mcp_servers: McpServerTable;
  api_key_mcp_access: ApiKeyMcpAccessTable;
  usage_records: UsageRecordTable;
  mcp_usage_records: McpUsageRecordTable;
  odock_meta: MetaTable;
  invitations: InvitationTable;
  audit_log: AuditLogTable;
  model_deployments: ModelDeploymentTable;
  routing_rules: RoutingRuleTable;
  external_identities: ExternalIdentityTable;
  sso_login_flows: SsoLoginFlowTable;
  budgets: BudgetTable;
  quotas: QuotaTable;
  budget_alerts: BudgetAlertTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  usage_rollups: UsageRollupTable;
  mcp_usage_rollups: McpUsageRollupTable;
}
