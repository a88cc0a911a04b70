// Records of the admin API (/api), as product.md's Admin API table names them (camelCase).
// Kept by hand and checked against /api/openapi.json by test/e2e-console/openapi-contract.test.ts.

export type Role = 'admin' | 'manager' | 'member';
export type ProviderType = 'OPENAI' | 'ANTHROPIC' | 'GOOGLE' | 'AZURE_OPENAI' | 'MISTRAL' | 'VLLM' | 'CUSTOM';
export type ApiKeyType = 'ORGANISATION' | 'TEAM' | 'USER';
export type McpTransport = 'STREAMABLE_HTTP' | 'SSE' | 'STDIO';
export type McpAuthType = 'NONE' | 'BEARER' | 'BASIC' | 'OAUTH2';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Me {
  operator: { id: string; email: string; name: string; superAdmin: boolean };
  organisations: { id: string; name: string; role: Role }[];
}

export interface Organisation {
  id: string;
  name: string;
  policies?: Policies;
  createdAt?: string;
}

export interface OperatorToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt?: string | null;
  preview?: string;
  expiresAt: string;
  /** Only in the create response: shown once. */
  token?: string;
}

/** An operator token as the organisation's admins see it: whose it is, never the secret. */
export interface OrgOperatorToken extends OperatorToken {
  owner: { id: string; email: string; name: string };
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
  createdAt: string;
}

/** Only the create response carries the token and link: shown once. */
export interface CreatedInvitation extends Invitation {
  token: string;
  url: string;
}

export interface AcceptedInvitation {
  operator: Me['operator'];
  organisation: { id: string; name: string; role: Role };
}

export interface Team {
  id: string;
  name: string;
  policies?: Policies;
  createdAt: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Linked to an operator login (an accepted invitation): can use the console with the role. */
  consoleAccess?: boolean;
  createdAt: string;
}

export interface Provider {
  id: string;
  type: ProviderType;
  name: string;
  baseUrl: string;
  timeoutMs: number;
  enabled: boolean;
  config: Record<string, unknown> | null;
  updatedAt?: string;
  createdAt: string;
}

export interface ProviderSlot {
  type: ProviderType;
  displayName: string;
  family?: 'openai' | 'anthropic' | 'gemini';
  defaultBaseUrl?: string;
  active: boolean;
  provider: Provider | null;
}

export interface ProviderKey {
  id: string;
  providerId?: string;
  name: string;
  keyPreview: string;
  revoked: boolean;
  createdAt: string;
}

export interface Pricing {
  inputPerMTok?: number;
  outputPerMTok?: number;
  cachedInputPerMTok?: number | null;
}

export interface CatalogModel {
  providerType: ProviderType;
  slug: string;
  name: string;
  type: string;
  capabilities: string[];
  pricing: Pricing;
  contextWindow: number | null;
}

export interface Model {
  id: string;
  name: string;
  slug: string;
  providerId: string;
  providerApiKeyId: string | null;
  type: string;
  capabilities: string[];
  pricing: Pricing;
  policies: Policies | null;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  type: ApiKeyType;
  teamId: string | null;
  userId: string | null;
  name: string | null;
  maskedKey: string;
  expiry: string | null;
  expiryLocal: string | null;
  timezone: string;
  revealed: boolean;
  revoked: boolean;
  policies: Policies | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Rotate answers the key record; a server may include the new secret (else it is revealed once, like a new key). */
export interface RotatedApiKey extends ApiKey {
  key?: string;
}

export interface Rotation {
  id: string;
  rotatedAt: string;
  maskedOldKey: string;
  oldExpiry: string | null;
  newExpiry: string | null;
  rotatedBy: string | null;
}

export interface McpAuthConfig {
  username?: string;
  tokenUrl?: string;
  clientId?: string;
  scope?: string;
  audience?: string;
}

export interface McpServer {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  transport: McpTransport;
  endpointUrl: string | null;
  command: string | null;
  args: string[] | null;
  authType: McpAuthType;
  authConfig: McpAuthConfig | null;
  hasAuthSecret: boolean;
  hasEnv?: boolean;
  enabled: boolean;
  allowedTools: string[];
  blockedTools: string[];
  createdAt?: string;
}

export interface UsageRecord {
  id: string;
  requestId: string;
  createdAt: string;
  apiKeyId: string | null;
  modelId: string | null;
  modelName: string | null;
  providerType: ProviderType | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  costNanoUsd: number;
  latencyMs: number | null;
  ttftMs: number | null;
  status: string | number;
  errorCode: string | null;
  streamed: boolean;
  /** Routed calls: every upstream try, in order (null when the model is not routed). */
  attempts?: import('./routing-types.ts').Attempt[] | null;
  rerouted?: boolean;
}

export interface McpUsageRecord {
  id: string;
  requestId?: string;
  createdAt: string;
  apiKeyId: string | null;
  mcpServerId?: string | null;
  blocked?: boolean;
  method: string | null;
  tool: string | null;
  bytesIn?: number;
  bytesOut?: number;
  status: string | number;
  errorCode?: string | null;
  latencyMs: number | null;
}

/** The policies object of product.md; every field optional. */
export interface Policies {
  ip?: { allowlist?: string[]; blocklist?: string[] };
  ratelimit?: {
    requests?: { per_second?: number; per_minute?: number; burst?: number };
    tokens?: { per_minute?: number };
    concurrency?: { max?: number; lease_ttl_seconds?: number };
    payload?: { max_request_bytes?: number; max_tokens?: number };
  };
}

/** One audit entry: who (operator or access token), from where, did what to which record. */
export interface AuditEntry {
  id: string;
  at: string;
  organisationId: string | null;
  actor: { type: 'operator' | 'token' | 'anonymous'; id: string | null; label: string | null; operator: { id: string; email: string } | null };
  ip: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** Snapshots of the record around the change, secrets masked by the server. */
  changes: { before?: unknown; after?: unknown; reason?: string };
}
/** GET /api/auth/providers: how operators may sign in on this deployment (public). */
export interface AuthProviders {
  passwordLogin: boolean;
  providers: { id: 'oidc' | 'github'; name: string; loginUrl: string }[];
}

/** An identity at a company provider linked to one's login (GET /api/auth/identities). */
export interface LinkedIdentity { id: string; provider: 'oidc' | 'github'; issuer: string; email: string | null; createdAt: string; lastLoginAt: string | null }
export type OwnerType = 'ORGANISATION' | 'TEAM' | 'USER' | 'API_KEY';
export type BudgetPeriod = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'QUARTERLY' | 'TOTAL';
export type QuotaMetric = 'REQUESTS' | 'TOKENS' | 'INPUT_TOKENS' | 'OUTPUT_TOKENS';

export interface Budget {
  id: string;
  ownerType: OwnerType;
  ownerId: string;
  period: BudgetPeriod;
  timezone: string;
  amountUsd: string;
  rollover: boolean;
  thresholds: number[];
  action: 'BLOCK' | 'ALERT';
  /** The period's limit: the amount plus what the previous period left, with rollover. */
  limitUsd: string;
  spentUsd: string;
  reservedUsd: string;
  remainingUsd: string;
  periodStart: string;
  resetsAt: string | null;
  createdAt: string;
}

export interface Quota {
  id: string;
  ownerType: OwnerType;
  ownerId: string;
  period: BudgetPeriod;
  timezone: string;
  metric: QuotaMetric;
  limit: number;
  used: number;
  reserved: number;
  remaining: number;
  periodStart: string;
  resetsAt: string | null;
  createdAt: string;
}

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  event: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  payload: { data?: { threshold?: number; budgetId?: string; spentUsd?: string; limitUsd?: string } };
}
