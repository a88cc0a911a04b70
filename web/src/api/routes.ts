// Every admin API route the console calls, as OpenAPI-style templates. The endpoint
// functions build their URLs from these, and the contract test checks each one exists
// (with its method) in /api/openapi.json, so the console cannot drift from the server.

const ORG = '/api/organisations/{orgId}';

export const ROUTES = {
  login: ['POST', '/api/auth/login'],
  logout: ['POST', '/api/auth/logout'],
  me: ['GET', '/api/auth/me'],
  listTokens: ['GET', '/api/auth/tokens'],
  createToken: ['POST', '/api/auth/tokens'],
  deleteToken: ['DELETE', '/api/auth/tokens/{tokenId}'],
  changePassword: ['POST', '/api/auth/password'],
  acceptInvitation: ['POST', '/api/auth/invitations/accept'],

  listOrgs: ['GET', '/api/organisations'],
  createOrg: ['POST', '/api/organisations'],
  getOrg: ['GET', ORG],
  updateOrg: ['PATCH', ORG],

  listTeams: ['GET', `${ORG}/teams`],
  createTeam: ['POST', `${ORG}/teams`],
  getTeam: ['GET', `${ORG}/teams/{teamId}`],
  updateTeam: ['PATCH', `${ORG}/teams/{teamId}`],
  deleteTeam: ['DELETE', `${ORG}/teams/{teamId}`],
  listTeamMembers: ['GET', `${ORG}/teams/{teamId}/members`],
  addTeamMember: ['POST', `${ORG}/teams/{teamId}/members`],
  removeTeamMember: ['DELETE', `${ORG}/teams/{teamId}/members/{userId}`],

  listUsers: ['GET', `${ORG}/users`],
  createUser: ['POST', `${ORG}/users`],
  getUser: ['GET', `${ORG}/users/{userId}`],
  updateUser: ['PATCH', `${ORG}/users/{userId}`],
  deleteUser: ['DELETE', `${ORG}/users/{userId}`],
  listInvitations: ['GET', `${ORG}/invitations`],
  createInvitation: ['POST', `${ORG}/invitations`],
  revokeInvitation: ['DELETE', `${ORG}/invitations/{invitationId}`],
  listOrgOperatorTokens: ['GET', `${ORG}/operator-tokens`],
  revokeOrgOperatorToken: ['DELETE', `${ORG}/operator-tokens/{tokenId}`],

  listProviders: ['GET', `${ORG}/providers`],
  activateProvider: ['POST', `${ORG}/providers`],
  getProvider: ['GET', `${ORG}/providers/{providerId}`],
  updateProvider: ['PATCH', `${ORG}/providers/{providerId}`],
  deleteProvider: ['DELETE', `${ORG}/providers/{providerId}`],
  listProviderKeys: ['GET', `${ORG}/providers/{providerId}/keys`],
  createProviderKey: ['POST', `${ORG}/providers/{providerId}/keys`],
  deleteProviderKey: ['DELETE', `${ORG}/providers/{providerId}/keys/{keyId}`],
  revokeProviderKey: ['POST', `${ORG}/providers/{providerId}/keys/{keyId}/revoke`],

  catalog: ['GET', '/api/catalog/models'],

  listModels: ['GET', `${ORG}/models`],
  createModel: ['POST', `${ORG}/models`],
  batchCreateModels: ['POST', `${ORG}/models/batch`],
  getModel: ['GET', `${ORG}/models/{modelId}`],
  updateModel: ['PATCH', `${ORG}/models/{modelId}`],
  deleteModel: ['DELETE', `${ORG}/models/{modelId}`],
  listModelApiKeys: ['GET', `${ORG}/models/{modelId}/api-keys`],
  grantModelApiKeys: ['POST', `${ORG}/models/{modelId}/api-keys`],
  removeModelApiKey: ['DELETE', `${ORG}/models/{modelId}/api-keys/{keyId}`],

  listApiKeys: ['GET', `${ORG}/api-keys`],
  createApiKey: ['POST', `${ORG}/api-keys`],
  getApiKey: ['GET', `${ORG}/api-keys/{keyId}`],
  updateApiKey: ['PATCH', `${ORG}/api-keys/{keyId}`],
  deleteApiKey: ['DELETE', `${ORG}/api-keys/{keyId}`],
  revealApiKey: ['POST', `${ORG}/api-keys/{keyId}/reveal`],
  rotateApiKey: ['POST', `${ORG}/api-keys/{keyId}/rotate`],
  revokeApiKey: ['POST', `${ORG}/api-keys/{keyId}/revoke`],
  unrevokeApiKey: ['POST', `${ORG}/api-keys/{keyId}/unrevoke`],
  listRotations: ['GET', `${ORG}/api-keys/{keyId}/rotations`],
  listModelAccess: ['GET', `${ORG}/api-keys/{keyId}/model-access`],
  grantModelAccess: ['POST', `${ORG}/api-keys/{keyId}/model-access`],
  removeModelAccess: ['DELETE', `${ORG}/api-keys/{keyId}/model-access/{modelId}`],
  listMcpAccess: ['GET', `${ORG}/api-keys/{keyId}/mcp-access`],
  grantMcpAccess: ['POST', `${ORG}/api-keys/{keyId}/mcp-access`],
  removeMcpAccess: ['DELETE', `${ORG}/api-keys/{keyId}/mcp-access/{serverId}`],

  listMcpServers: ['GET', `${ORG}/mcp-servers`],
  createMcpServer: ['POST', `${ORG}/mcp-servers`],
  getMcpServer: ['GET', `${ORG}/mcp-servers/{serverId}`],
  updateMcpServer: ['PATCH', `${ORG}/mcp-servers/{serverId}`],
  deleteMcpServer: ['DELETE', `${ORG}/mcp-servers/{serverId}`],
  listMcpServerApiKeys: ['GET', `${ORG}/mcp-servers/{serverId}/api-keys`],
  grantMcpServerApiKeys: ['POST', `${ORG}/mcp-servers/{serverId}/api-keys`],

  listUsage: ['GET', `${ORG}/usage`],
  listMcpUsage: ['GET', `${ORG}/usage/mcp`],
  getAnalytics: ['GET', `${ORG}/analytics`],
  getMcpAnalytics: ['GET', `${ORG}/analytics/mcp`],
  getChargeback: ['GET', `${ORG}/analytics/chargeback`],
  exportAnalyticsCsv: ['GET', `${ORG}/analytics/export.csv`],
  exportUsageCsv: ['GET', `${ORG}/usage/export.csv`],
} as const satisfies Record<string, readonly [string, string]>;

export type RouteName = keyof typeof ROUTES;
