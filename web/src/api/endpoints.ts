// Typed functions for each admin API route the console uses (templates in routes.ts).
import { fillPath, request } from './client.ts';
import { ROUTES, type RouteName } from './routes.ts';
import type {
  AcceptedInvitation, ApiKey, AuditEntry, ApiKeyType, CatalogModel, CreatedInvitation, Invitation, McpAuthConfig, McpServer, McpUsageRecord, Me, Model, OperatorToken, OrgOperatorToken, Organisation, Page,
  Policies, Pricing, Provider, ProviderKey, ProviderSlot, ProviderType, Role, RotatedApiKey, Rotation, Team, UsageRecord, User,
  Budget, BudgetPeriod, OwnerType, Quota, QuotaMetric, Webhook, WebhookDelivery,
} from './types.ts';

type Params = Record<string, string>;
type Query = Record<string, string | number | boolean | null | undefined>;
export interface PageQuery extends Query { limit?: number; cursor?: string | null }

export function call<T>(name: RouteName, params?: Params, opts?: { body?: unknown; query?: Query }): Promise<T> {
  const [method, template] = ROUTES[name];
  return request<T>(method, fillPath(template, params), opts);
}

export interface ApiKeyInput { type: ApiKeyType; teamId?: string; userId?: string; name?: string; expiry?: string; timezone?: string }
export interface ModelInput { name: string; slug: string; providerId: string; providerApiKeyId: string | null; type: string; pricing: Partial<Pricing>; capabilities?: string[] }
export type McpServerInput = Partial<Omit<McpServer, 'id' | 'hasAuthSecret' | 'hasEnv' | 'createdAt' | 'authConfig'>> & {
  authConfig?: McpAuthConfig;
  /** The upstream credential (bearer token, basic password, OAuth2 client secret); write-only. */
  authSecret?: string | null;
  env?: Record<string, string> | null;
};

export interface OwnerFilter extends Query { ownerType?: OwnerType; ownerId?: string }
export interface BudgetInput { ownerType: OwnerType; ownerId: string; period: BudgetPeriod; timezone?: string; amountUsd: string; rollover?: boolean; thresholds?: number[]; action?: 'BLOCK' | 'ALERT' }
export interface QuotaInput { ownerType: OwnerType; ownerId: string; period: BudgetPeriod; timezone?: string; metric: QuotaMetric; limit: number }

export const api = {
  login: (email: string, password: string) => call<unknown>('login', undefined, { body: { email, password } }),
  logout: () => call<unknown>('logout'),
  me: () => call<Me>('me'),
  listTokens: (q?: PageQuery) => call<Page<OperatorToken>>('listTokens', undefined, { query: q }),
  createToken: (name: string, expiresInDays?: number) => call<OperatorToken>('createToken', undefined, { body: { name, ...(expiresInDays ? { expiresInDays } : {}) } }),
  deleteToken: (tokenId: string) => call<unknown>('deleteToken', { tokenId }),
  /** `email` only when not logged in: the forced change after a super-admin reset. */
  changePassword: (body: { email?: string; currentPassword: string; newPassword: string }) => call<unknown>('changePassword', undefined, { body }),
  acceptInvitation: (body: { token: string; password?: string; name?: string }) => call<AcceptedInvitation>('acceptInvitation', undefined, { body }),

  listOrgs: (q?: PageQuery) => call<Page<Organisation>>('listOrgs', undefined, { query: q }),
  createOrg: (name: string) => call<Organisation>('createOrg', undefined, { body: { name } }),
  getOrg: (orgId: string) => call<Organisation>('getOrg', { orgId }),
  updateOrg: (orgId: string, body: { name?: string; policies?: Policies }) => call<Organisation>('updateOrg', { orgId }, { body }),

  listTeams: (orgId: string, q?: PageQuery) => call<Page<Team>>('listTeams', { orgId }, { query: q }),
  createTeam: (orgId: string, name: string) => call<Team>('createTeam', { orgId }, { body: { name } }),
  getTeam: (orgId: string, teamId: string) => call<Team>('getTeam', { orgId, teamId }),
  updateTeam: (orgId: string, teamId: string, body: { name?: string; policies?: Policies }) => call<Team>('updateTeam', { orgId, teamId }, { body }),
  deleteTeam: (orgId: string, teamId: string) => call<unknown>('deleteTeam', { orgId, teamId }),
  listTeamMembers: (orgId: string, teamId: string, q?: PageQuery) => call<Page<User>>('listTeamMembers', { orgId, teamId }, { query: q }),
  addTeamMember: (orgId: string, teamId: string, userId: string) => call<unknown>('addTeamMember', { orgId, teamId }, { body: { userId } }),
  removeTeamMember: (orgId: string, teamId: string, userId: string) => call<unknown>('removeTeamMember', { orgId, teamId, userId }),

  listUsers: (orgId: string, q?: PageQuery) => call<Page<User>>('listUsers', { orgId }, { query: q }),
  createUser: (orgId: string, body: { email: string; name: string; role: Role }) => call<User>('createUser', { orgId }, { body }),
  updateUser: (orgId: string, userId: string, body: { name?: string; role?: Role }) => call<User>('updateUser', { orgId, userId }, { body }),
  deleteUser: (orgId: string, userId: string) => call<unknown>('deleteUser', { orgId, userId }),
  listInvitations: (orgId: string, q?: PageQuery) => call<Page<Invitation>>('listInvitations', { orgId }, { query: q }),
  createInvitation: (orgId: string, body: { email: string; role: Role }) => call<CreatedInvitation>('createInvitation', { orgId }, { body }),
  revokeInvitation: (orgId: string, invitationId: string) => call<unknown>('revokeInvitation', { orgId, invitationId }),
  /** A new link for a pending invitation; the old one stops working. */
  resendInvitation: (orgId: string, invitationId: string) => call<CreatedInvitation>('resendInvitation', { orgId, invitationId }),
  listAuditLog: (orgId: string, q?: PageQuery) => call<Page<AuditEntry>>('listAuditLog', { orgId }, { query: q }),
  listOrgOperatorTokens: (orgId: string, q?: PageQuery) => call<Page<OrgOperatorToken>>('listOrgOperatorTokens', { orgId }, { query: q }),
  revokeOrgOperatorToken: (orgId: string, tokenId: string) => call<unknown>('revokeOrgOperatorToken', { orgId, tokenId }),

  listProviders: (orgId: string) => call<{ items: ProviderSlot[] }>('listProviders', { orgId }),
  activateProvider: (orgId: string, type: ProviderType, extra: { baseUrl?: string } = {}) => call<Provider>('activateProvider', { orgId }, { body: { type, ...extra } }),
  getProvider: (orgId: string, providerId: string) => call<Provider>('getProvider', { orgId, providerId }),
  updateProvider: (orgId: string, providerId: string, body: Partial<Pick<Provider, 'name' | 'baseUrl' | 'timeoutMs' | 'enabled'>>) =>
    call<Provider>('updateProvider', { orgId, providerId }, { body }),
  deleteProvider: (orgId: string, providerId: string) => call<unknown>('deleteProvider', { orgId, providerId }),
  listProviderKeys: (orgId: string, providerId: string, q?: PageQuery) => call<Page<ProviderKey>>('listProviderKeys', { orgId, providerId }, { query: q }),
  createProviderKey: (orgId: string, providerId: string, body: { name: string; key: string }) =>
    call<ProviderKey>('createProviderKey', { orgId, providerId }, { body }),
  deleteProviderKey: (orgId: string, providerId: string, keyId: string) => call<unknown>('deleteProviderKey', { orgId, providerId, keyId }),
  revokeProviderKey: (orgId: string, providerId: string, keyId: string) => call<ProviderKey>('revokeProviderKey', { orgId, providerId, keyId }),

  catalog: (q: { providerType?: string; q?: string; type?: string; capability?: string }) => call<{ items: CatalogModel[] }>('catalog', undefined, { query: q }),

  listModels: (orgId: string, q?: PageQuery) => call<Page<Model>>('listModels', { orgId }, { query: q }),
  createModel: (orgId: string, body: ModelInput) => call<Model>('createModel', { orgId }, { body }),
  batchCreateModels: (orgId: string, body: { providerId: string; providerApiKeyId: string; slugs: string[] }) =>
    call<{ items: Model[] }>('batchCreateModels', { orgId }, { body }),
  getModel: (orgId: string, modelId: string) => call<Model>('getModel', { orgId, modelId }),
  updateModel: (orgId: string, modelId: string, body: Partial<Omit<ModelInput, 'providerId'>> & { policies?: Policies }) => call<Model>('updateModel', { orgId, modelId }, { body }),
  deleteModel: (orgId: string, modelId: string) => call<unknown>('deleteModel', { orgId, modelId }),
  listModelApiKeys: (orgId: string, modelId: string, q?: PageQuery) => call<Page<ApiKey>>('listModelApiKeys', { orgId, modelId }, { query: q }),
  grantModelApiKeys: (orgId: string, modelId: string, apiKeyIds: string[]) => call<unknown>('grantModelApiKeys', { orgId, modelId }, { body: { apiKeyIds } }),
  removeModelApiKey: (orgId: string, modelId: string, keyId: string) => call<unknown>('removeModelApiKey', { orgId, modelId, keyId }),

  listApiKeys: (orgId: string, q?: PageQuery) => call<Page<ApiKey>>('listApiKeys', { orgId }, { query: q }),
  createApiKey: (orgId: string, body: ApiKeyInput) => call<ApiKey>('createApiKey', { orgId }, { body }),
  getApiKey: (orgId: string, keyId: string) => call<ApiKey>('getApiKey', { orgId, keyId }),
  updateApiKey: (orgId: string, keyId: string, body: { name?: string | null; policies?: Policies; expiry?: string | null; timezone?: string }) => call<ApiKey>('updateApiKey', { orgId, keyId }, { body }),
  deleteApiKey: (orgId: string, keyId: string) => call<unknown>('deleteApiKey', { orgId, keyId }),
  revealApiKey: (orgId: string, keyId: string) => call<{ key: string }>('revealApiKey', { orgId, keyId }),
  rotateApiKey: (orgId: string, keyId: string, body: { expiry?: string | null; timezone?: string }) => call<RotatedApiKey>('rotateApiKey', { orgId, keyId }, { body }),
  revokeApiKey: (orgId: string, keyId: string) => call<ApiKey>('revokeApiKey', { orgId, keyId }),
  unrevokeApiKey: (orgId: string, keyId: string) => call<ApiKey>('unrevokeApiKey', { orgId, keyId }),
  listRotations: (orgId: string, keyId: string, q?: PageQuery) => call<Page<Rotation>>('listRotations', { orgId, keyId }, { query: q }),
  listModelAccess: (orgId: string, keyId: string, q?: PageQuery) => call<Page<Model>>('listModelAccess', { orgId, keyId }, { query: q }),
  grantModelAccess: (orgId: string, keyId: string, modelIds: string[]) => call<unknown>('grantModelAccess', { orgId, keyId }, { body: { modelIds } }),
  removeModelAccess: (orgId: string, keyId: string, modelId: string) => call<unknown>('removeModelAccess', { orgId, keyId, modelId }),
  listMcpAccess: (orgId: string, keyId: string, q?: PageQuery) => call<Page<McpServer>>('listMcpAccess', { orgId, keyId }, { query: q }),
  grantMcpAccess: (orgId: string, keyId: string, mcpServerIds: string[]) => call<unknown>('grantMcpAccess', { orgId, keyId }, { body: { mcpServerIds } }),
  removeMcpAccess: (orgId: string, keyId: string, serverId: string) => call<unknown>('removeMcpAccess', { orgId, keyId, serverId }),

  listMcpServers: (orgId: string, q?: PageQuery) => call<Page<McpServer>>('listMcpServers', { orgId }, { query: q }),
  createMcpServer: (orgId: string, body: McpServerInput) => call<McpServer>('createMcpServer', { orgId }, { body }),
  getMcpServer: (orgId: string, serverId: string) => call<McpServer>('getMcpServer', { orgId, serverId }),
  updateMcpServer: (orgId: string, serverId: string, body: McpServerInput) => call<McpServer>('updateMcpServer', { orgId, serverId }, { body }),
  deleteMcpServer: (orgId: string, serverId: string) => call<unknown>('deleteMcpServer', { orgId, serverId }),
  listMcpServerApiKeys: (orgId: string, serverId: string, q?: PageQuery) => call<Page<ApiKey>>('listMcpServerApiKeys', { orgId, serverId }, { query: q }),
  grantMcpServerApiKeys: (orgId: string, serverId: string, apiKeyIds: string[]) => call<unknown>('grantMcpServerApiKeys', { orgId, serverId }, { body: { apiKeyIds } }),

  listUsage: (orgId: string, q?: PageQuery) => call<Page<UsageRecord>>('listUsage', { orgId }, { query: q }),
  listMcpUsage: (orgId: string, q?: PageQuery) => call<Page<McpUsageRecord>>('listMcpUsage', { orgId }, { query: q }),

  authProviders: () => call<import('./types.ts').AuthProviders>('authProviders'),
  listIdentities: () => call<Page<import('./types.ts').LinkedIdentity>>('listIdentities'),
  listBudgets: (orgId: string, q?: PageQuery & OwnerFilter) => call<Page<Budget>>('listBudgets', { orgId }, { query: q }),
  createBudget: (orgId: string, body: BudgetInput) => call<Budget>('createBudget', { orgId }, { body }),
  updateBudget: (orgId: string, budgetId: string, body: Partial<Omit<BudgetInput, 'ownerType' | 'ownerId'>>) => call<Budget>('updateBudget', { orgId, budgetId }, { body }),
  deleteBudget: (orgId: string, budgetId: string) => call<unknown>('deleteBudget', { orgId, budgetId }),
  listQuotas: (orgId: string, q?: PageQuery & OwnerFilter) => call<Page<Quota>>('listQuotas', { orgId }, { query: q }),
  createQuota: (orgId: string, body: QuotaInput) => call<Quota>('createQuota', { orgId }, { body }),
  updateQuota: (orgId: string, quotaId: string, body: Partial<Omit<QuotaInput, 'ownerType' | 'ownerId'>>) => call<Quota>('updateQuota', { orgId, quotaId }, { body }),
  deleteQuota: (orgId: string, quotaId: string) => call<unknown>('deleteQuota', { orgId, quotaId }),
  listWebhooks: (orgId: string, q?: PageQuery) => call<Page<Webhook>>('listWebhooks', { orgId }, { query: q }),
  createWebhook: (orgId: string, body: { url: string; secret: string; events?: string[] }) => call<Webhook>('createWebhook', { orgId }, { body }),
  deleteWebhook: (orgId: string, webhookId: string) => call<unknown>('deleteWebhook', { orgId, webhookId }),
  listWebhookDeliveries: (orgId: string, webhookId: string, q?: PageQuery) => call<Page<WebhookDelivery>>('listWebhookDeliveries', { orgId, webhookId }, { query: q }),
};

/** Walks every page of a list (for pickers and charts), up to `max` items. */
export async function fetchAll<T>(fetchPage: (q: PageQuery) => Promise<Page<T>>, max = 1000, limit = 100): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await fetchPage({ limit, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return { items, truncated: cursor !== null };
}
