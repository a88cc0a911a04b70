/**
 * What admin routes answer, for the OpenAPI document: one JSON schema per resource view (the
 * `*.view.ts` shapes) and the rules that pick the schema, status and summary from a route's
 * method and path. A route may override both with `config.summary` / `config.responseSchema`;
 * routes this table does not know still get a summary from their path and a plain object.
 */
type Schema = Record<string, unknown>;

const str = { type: 'string' };
const nstr = { type: ['string', 'null'] };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const obj = { type: 'object' };
const time = { type: 'string', format: 'date-time' };
const ntime = { type: ['string', 'null'], format: 'date-time' };
const strs = { type: 'array', items: str };
const shape = (properties: Record<string, Schema>): Schema => ({ type: 'object', required: Object.keys(properties), properties });

export const RESOURCE_SCHEMAS: Record<string, Schema> = {
  Organisation: shape({ id: str, name: str, policies: { $ref: '#/components/schemas/Policies' }, createdAt: time, updatedAt: time }),
  Team: shape({ id: str, organisationId: str, name: str, policies: { $ref: '#/components/schemas/Policies' }, createdAt: time, updatedAt: time }),
  User: shape({ id: str, organisationId: str, email: str, name: str, role: { enum: ['admin', 'manager', 'member'] }, consoleAccess: bool, createdAt: time, updatedAt: time }),
  Provider: shape({ id: str, organisationId: str, type: str, name: str, baseUrl: str, timeoutMs: int, enabled: bool, config: obj, createdAt: time, updatedAt: time }),
  ProviderType: shape({ type: str, displayName: str, family: str, defaultBaseUrl: str, active: bool, provider: { oneOf: [{ $ref: '#/components/schemas/Provider' }, { type: 'null' }] } }),
  ProviderKey: shape({ id: str, providerId: str, name: str, keyPreview: str, revoked: bool, createdAt: time }),
  Model: shape({ id: str, organisationId: str, name: str, slug: str, providerId: str, providerApiKeyId: nstr, type: str, capabilities: strs, pricing: obj, policies: { $ref: '#/components/schemas/Policies' }, createdAt: time, updatedAt: time }),
  ApiKey: shape({
    id: str, organisationId: str, type: { enum: ['ORGANISATION', 'TEAM', 'USER'] }, teamId: nstr, userId: nstr, name: nstr, maskedKey: str,
    expiry: ntime, expiryLocal: nstr, timezone: str, revealed: bool, revoked: bool, policies: { $ref: '#/components/schemas/Policies' },
    createdAt: time, updatedAt: time, lastUsedAt: ntime,
  }),
  RevealedKey: shape({ key: str, maskedKey: str }),
  Rotation: shape({ id: str, rotatedAt: time, maskedOldKey: str, oldExpiry: ntime, newExpiry: ntime, rotatedBy: nstr }),
  McpServer: shape({
    id: str, organisationId: str, name: str, slug: str, description: nstr, transport: { enum: ['STREAMABLE_HTTP', 'SSE', 'STDIO'] }, endpointUrl: nstr,
    stdioCommand: nstr, command: nstr, args: strs, authType: { enum: ['NONE', 'BEARER', 'BASIC', 'OAUTH2'] }, authConfig: obj, hasAuthSecret: bool, hasEnv: bool,
    enabled: bool, allowedTools: strs, blockedTools: strs, createdAt: time, updatedAt: time,
  }),
  UsageRecord: shape({
    id: str, requestId: str, createdAt: time, organisationId: str, teamId: nstr, userId: nstr, apiKeyId: nstr, providerId: nstr, providerType: nstr,
    modelId: nstr, modelName: nstr, upstreamSlug: nstr, surface: str, inputTokens: int, outputTokens: int, cachedTokens: int, reasoningTokens: int,
    costNanoUsd: int, latencyMs: int, ttftMs: { type: ['integer', 'null'] }, status: int, errorCode: nstr, streamed: bool,
  }),
  McpUsageRecord: shape({ id: str, requestId: str, createdAt: time, apiKeyId: nstr, mcpServerId: nstr, method: str, tool: nstr, bytesIn: int, bytesOut: int, status: int, errorCode: nstr, blocked: bool, latencyMs: int }),
  Invitation: shape({ id: str, email: str, role: str, expiresAt: time, createdAt: time }),
  OperatorToken: shape({ id: str, name: str, preview: str, createdAt: time, lastUsedAt: ntime, expiresAt: ntime }),
  Granted: shape({ granted: int }),
  Policies: {
    type: 'object', description: 'Every field optional; an absent field sets no limit.',
    properties: {
      ip: { type: 'object', properties: { allowlist: strs, blocklist: strs } },
      ratelimit: {
        type: 'object', properties: {
          requests: { type: 'object', properties: { per_second: int, per_minute: int, burst: int } },
          tokens: { type: 'object', properties: { per_minute: int } },
          concurrency: { type: 'object', properties: { max: int, lease_ttl_seconds: int } },
          payload: { type: 'object', properties: { max_request_bytes: int, max_tokens: int } },
        },
      },
    },
  },
};

// The last fixed path segment → the resource it lists or holds.
const SEGMENT: Record<string, [schema: string, singular: string]> = {
  organisations: ['Organisation', 'organisation'], teams: ['Team', 'team'], members: ['User', 'member'], users: ['User', 'user'],
  providers: ['Provider', 'provider'], keys: ['ProviderKey', 'provider key'], models: ['Model', 'model'], 'api-keys': ['ApiKey', 'API key'],
  'model-access': ['Model', 'model grant'], 'mcp-access': ['McpServer', 'MCP grant'], 'mcp-servers': ['McpServer', 'MCP server'],
  usage: ['UsageRecord', 'usage record'], mcp: ['McpUsageRecord', 'MCP usage record'], invitations: ['Invitation', 'invitation'],
  'operator-tokens': ['OperatorToken', 'operator token'], tokens: ['OperatorToken', 'access token'], rotations: ['Rotation', 'rotation'],
};

export interface ResponseDoc { summary: string; status: string; schema?: Schema }

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const page = (items: Schema): Schema => shape({ items: { type: 'array', items }, nextCursor: nstr });
const article = (s: string) => (/^[aeiouAEIOU]|^MCP|^API/.test(s) && !/^usage|^user/.test(s) ? `an ${s}` : `a ${s}`);
// Last path segments that are verbs on a record, not collections.
const ACTIONS = /^(reveal|rotate|revoke|unrevoke|batch|test|chat|accept)$|-explain$|\./;
const singular = (s: string) => (/s$/.test(s) && !/analytics$/.test(s) ? s.replace(/ies$/, 'y').replace(/s$/, '') : s);
const human = (segment: string) => segment.replace(/-/g, ' ').replace(/\bapi\b/g, 'API').replace(/\bmcp\b/g, 'MCP');

// Routes whose path does not say what they do.
const IRREGULAR: Record<string, ResponseDoc> = {
  'post /api/auth/login': { summary: 'Log in with email and password (sets the session cookie)', status: '200' },
  'post /api/auth/logout': { summary: 'Log out (ends this session)', status: '204' },
  'get /api/auth/me': { summary: 'The signed-in operator and their organisations', status: '200' },
  'post /api/auth/password': { summary: 'Change one\'s own password (ends other sessions and tokens)', status: '204' },
  'post /api/auth/invitations/accept': { summary: 'Accept an invitation and set a password', status: '200' },
  'get /api/auth/tokens': { summary: 'List one\'s own operator access tokens', status: '200', schema: page(ref('OperatorToken')) },
  'post /api/auth/tokens': { summary: 'Create an operator access token (shown once)', status: '201' },
  'delete /api/auth/tokens/{tokenId}': { summary: 'Revoke one of one\'s own access tokens', status: '204' },
  'get /api/catalog/models': { summary: 'Search the built-in model catalog', status: '200' },
  'get /api/mcp/stdio-commands': { summary: 'List the STDIO commands the deployment allows', status: '200' },
  'get /api/openapi.json': { summary: 'This OpenAPI document', status: '200' },
  'get /api/docs': { summary: 'A readable reference of this API (HTML)', status: '200' },
  'get /api/docs/api-docs.js': { summary: 'The script of the API reference page', status: '200' },
  'get /api/organisations/{orgId}/api-keys/{keyId}/policy-explain': { summary: 'Dry-run the policies of an API key (and model): which apply, which would refuse', status: '200' },
  'get /api/organisations/{orgId}/usage/mcp': { summary: 'List MCP usage records', status: '200', schema: page(ref('McpUsageRecord')) },
  'post /api/organisations/{orgId}/teams/{teamId}/members': { summary: 'Add a user to a team', status: '201' },
  'delete /api/organisations/{orgId}/teams/{teamId}/members/{userId}': { summary: 'Remove a user from a team', status: '204' },
};

/** Summary, success status and schema of a route, from its method and path (`{param}` form). */
export function describeRoute(method: string, path: string): ResponseDoc {
  const irregular = IRREGULAR[`${method} ${path}`];
  if (irregular) return irregular;
  const parts = path.replace(/^\/api\//, '').split('/');
  const last = parts[parts.length - 1];
  const endsWithParam = last.startsWith('{');
  const fixed = parts.filter((p) => !p.startsWith('{'));
  const segment = endsWithParam ? fixed[fixed.length - 1] : last;
  const known = SEGMENT[segment];
  const owner = fixed[fixed.length - 2];
  const action = !endsWithParam && !known && ACTIONS.test(last) ? last : undefined;

  if (action) {
    const target = SEGMENT[fixed[fixed.length - 2]] ?? SEGMENT[owner];
    const noun = target?.[1] ?? singular(human(fixed[fixed.length - 2] ?? ''));
    const file = /\.(\w+)$/.exec(action);
    if (file) return { summary: `Export the ${human(fixed[fixed.length - 2] ?? '')} as ${file[1].toUpperCase()}`, status: '200' };
    const verb = action.charAt(0).toUpperCase() + action.slice(1);
    if (action === 'reveal') return { summary: `Reveal ${article(noun)} (once)`, status: '200', schema: ref('RevealedKey') };
    if (action === 'batch') return { summary: 'Create models from the catalog (all or nothing)', status: '201', schema: shape({ items: { type: 'array', items: ref('Model') } }) };
    if (['rotate', 'revoke', 'unrevoke'].includes(action) && target) return { summary: `${verb} ${article(noun)}`, status: '200', schema: ref(target[0]) };
    if (action.endsWith('-explain')) return { summary: `Explain the ${human(action.slice(0, -8))} of ${article(noun)} (dry run)`, status: '200' };
    return { summary: `${verb} ${article(noun)}`, status: '200' };
  }
  // Resources this table does not know (added by other route groups) are named from their path.
  const noun = known?.[1] ?? singular(human(segment ?? 'resource'));
  const plural = known ? (noun.endsWith('y') && !noun.endsWith('key') ? `${noun.slice(0, -1)}ies` : `${noun}s`) : human(segment ?? 'resources');
  const nested = owner !== undefined && owner !== 'organisations' && fixed.length >= 3;
  const grant = segment === 'model-access' || segment === 'mcp-access' || (segment === 'api-keys' && nested);
  const ofOwner = nested ? ` of ${article(SEGMENT[owner]?.[1] ?? singular(human(owner)))}` : '';
  const item = known ? ref(known[0]) : { type: 'object' };
  switch (method) {
    case 'get':
      if (endsWithParam) return { summary: `Get ${article(noun)}`, status: '200', schema: item };
      if (segment === 'providers') return { summary: 'List every provider type, active or not', status: '200', schema: page(ref('ProviderType')) };
      if (!known && !segment.endsWith('s')) return { summary: `Get the ${plural}${ofOwner}`, status: '200' };
      return { summary: `List the ${plural}${ofOwner}`, status: '200', schema: known ? page(item) : undefined };
    case 'post':
      if (grant) {
        const ownerNoun = article(SEGMENT[owner]?.[1] ?? singular(human(owner)));
        return { summary: segment === 'api-keys' ? `Grant ${ownerNoun} to API keys` : `Grant ${plural.replace(/ grants$/, 's')} to ${ownerNoun}`, status: '201', schema: ref('Granted') };
      }
      if (segment === 'members') return { summary: 'Add a member to a team', status: '201' };
      return { summary: segment === 'providers' ? 'Activate a provider type' : `Create ${article(noun)}${ofOwner}`, status: '201', schema: known ? item : undefined };
    case 'patch':
      return { summary: `Update ${article(noun)}`, status: '200', schema: item };
    case 'delete':
      return { summary: grant ? `Remove ${article(noun)}${ofOwner}` : `Delete ${article(noun)}`, status: '204' };
    default:
      return { summary: `${method.toUpperCase()} ${path}`, status: '200' };
  }
}
