// The error code catalogue (product.md, "Errors"). Every gateway and admin error body carries one of these.
export const ERROR_CODES = {
  // 400
  invalid_request_body: 400,
  invalid_request: 400,
  model_not_found: 400,
  provider_not_configured: 400,
  provider_api_key_not_configured: 400,
  provider_type_unsupported: 400,
  // 401
  unauthorized: 401,
  api_key_expired: 401,
  api_key_revoked: 401,
  // 403
  forbidden: 403,
  password_change_required: 403,
  model_not_allowed: 403,
  provider_disabled: 403,
  provider_api_key_revoked: 403,
  ip_not_allowed: 403,
  mcp_not_allowed: 403,
  mcp_tool_blocked: 403,
  // 404
  not_found: 404,
  mcp_not_found: 404,
  // 409
  conflict: 409,
  api_key_already_revealed: 409,
  api_key_name_taken: 409,
  // 402
  budget_exceeded: 402,
  // 413
  payload_too_large: 413,
  // 429
  rps_exceeded: 429,
  rpm_exceeded: 429,
  burst_exceeded: 429,
  tpm_exceeded: 429,
  concurrency_exceeded: 429,
  max_tokens_exceeded: 429,
  upstream_rate_limited: 429,
  too_many_attempts: 429,
  quota_exceeded: 429,
  // 5xx
  internal_error: 500,
  upstream_error: 502,
  mcp_upstream_error: 502,
  mcp_auth_error: 502,
  store_unavailable: 503,
  upstream_unavailable: 503,
  upstream_timeout: 504,
  // Company sign-in (src/admin/sso): password login switched off; a sign-in the provider or the checks refused;
  // an identity that may not be linked to the existing login with its email.
  password_login_disabled: 403,
  sso_failed: 401,
  sso_account_conflict: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
