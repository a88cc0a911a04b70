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
}
export interface ApiKeyMcpAccessTable { api_key_id: string; mcp_server_id: string; organisation_id: string; created_at: string }
export interface UsageRecordTable {
  id: string; request_id: string; organisation_id: string; team_id: string | null; user_id: string | null; api_key_id: string | null;
  provider_id: string | null; provider_type: string | null; model_id: string | null; model_name: string | null; upstream_slug: string | null;
  surface: string; input_tokens: number; output_tokens: number; cached_tokens: number; reasoning_tokens: number;
  cost_nano_usd: number; latency_ms: number; ttft_ms: number | null; status: number; error_code: string | null;
  streamed: Bool; created_at: string;
}
export interface McpUsageRecordTable {
  id: string; request_id: string; organisation_id: string; api_key_id: string | null; mcp_server_id: string | null;
  method: string | null; tool: string | null; bytes_in: number; bytes_out: number; status: number; error_code: string | null;
  blocked: Bool; latency_ms: number; created_at: string;
}
export interface MetaTable { key: string; value: string }
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
  usage_rollups: UsageRollupTable;
  mcp_usage_rollups: McpUsageRollupTable;
}
