import type { AdminClient } from '../helpers/admin-client.ts';

/** The ids of one organisation's records, to fill route templates with. */
export interface OrgRecords {
  orgId: string;
  teamId: string;
  userId: string;
  providerId: string;
  providerKeyId: string;
  modelId: string;
  apiKeyId: string;
  serverId: string;
  deploymentId: string;
  ruleId: string;
  budgetId: string;
  quotaId: string;
  webhookId: string;
}

export interface Route {
  method: string;
  template: string;
}

/**
 * Every organisation-scoped admin route, read from the served OpenAPI document, so a route added
 * later is covered by the tenancy and role sweeps without editing them.
 */
export async function orgRoutes(admin: AdminClient): Promise<Route[]> {
  const doc = await admin.ok('GET', '/api/openapi.json');
  const routes: Route[] = [];
  for (const [template, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    if (!template.includes('{orgId}')) continue;
    for (const method of Object.keys(ops)) routes.push({ method: method.toUpperCase(), template });
  }
  return routes;
}

export const isWrite = (r: Route) => r.method !== 'GET';

/** Fills a template: `{keyId}` is a provider key under /providers, an API key elsewhere. */
export function fill(template: string, ids: OrgRecords): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string, offset: number) => {
    if (name === 'keyId') return template.slice(0, offset).endsWith('/keys/') && template.includes('/providers/') ? ids.providerKeyId : ids.apiKeyId;
    const v = (ids as unknown as Record<string, string>)[name];
    // A parameter this table does not know yet: an id that exists nowhere still must not leak.
    return v ?? 'unknown-record-id';
  });
}

/** A body that would succeed if the caller were allowed, so a 404/403 is about access, not validation. */
export function bodyFor(r: Route, ids: OrgRecords): unknown {
  const t = r.template;
  const key = `${r.method} ${t.replace(/^\/api\/organisations\/\{orgId\}/, '')}`;
  switch (key) {
    case 'PATCH ': return { name: 'Hijacked' };
    case 'POST /teams': return { name: 'Intruders' };
    case 'PATCH /teams/{teamId}': return { name: 'Intruders' };
    case 'POST /teams/{teamId}/members': return { userId: ids.userId };
    case 'POST /users': return { email: 'intruder@example.test', name: 'Intruder', role: 'admin' };
    case 'POST /invitations': return { email: 'intruder@example.test', role: 'admin' };
    case 'PATCH /users/{userId}': return { role: 'admin' };
    case 'POST /providers': return { type: 'MISTRAL' };
    case 'PATCH /providers/{providerId}': return { enabled: false };
    case 'POST /providers/{providerId}/keys': return { name: 'Intruder', key: 'sk-intruder-0000' };
    case 'POST /models': return { name: 'intruder', slug: 'gpt-4.1', providerId: ids.providerId, providerApiKeyId: ids.providerKeyId };
    case 'POST /models/batch': return { providerId: ids.providerId, providerApiKeyId: ids.providerKeyId, slugs: ['gpt-4o'] };
    case 'PATCH /models/{modelId}': return { name: 'intruder' };
    case 'POST /models/{modelId}/api-keys': return { apiKeyIds: [ids.apiKeyId] };
    case 'POST /api-keys': return { type: 'ORGANISATION' };
    case 'PATCH /api-keys/{keyId}': return { name: 'intruder' };
    case 'POST /api-keys/{keyId}/rotate': return { expiry: '2035-01-01T00:00' };
    case 'POST /api-keys/{keyId}/model-access': return { modelIds: [ids.modelId] };
    case 'POST /api-keys/{keyId}/mcp-access': return { mcpServerIds: [ids.serverId] };
    case 'POST /mcp-servers': return { name: 'Intruder', slug: 'intruder', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/mcp' };
    case 'PATCH /mcp-servers/{serverId}': return { enabled: false };
    case 'POST /mcp-servers/{serverId}/api-keys': return { apiKeyIds: [ids.apiKeyId] };
    case 'POST /models/{modelId}/deployments': return { providerId: ids.providerId, providerApiKeyId: ids.providerKeyId, slug: 'intruder' };
    case 'PATCH /deployments/{deploymentId}': return { weight: 5 };
    case 'POST /routing-rules': return { modelId: ids.modelId, candidates: [{ modelId: ids.modelId }] };
    case 'PATCH /routing-rules/{ruleId}': return { maxAttempts: 2 };
    case 'POST /budgets': return { ownerType: 'API_KEY', ownerId: ids.apiKeyId, period: 'MONTHLY', amountUsd: '1' };
    case 'PATCH /budgets/{budgetId}': return { amountUsd: '1000' };
    case 'POST /quotas': return { ownerType: 'TEAM', ownerId: ids.teamId, period: 'DAILY', metric: 'REQUESTS', limit: 1 };
    case 'PATCH /quotas/{quotaId}': return { limit: 1000 };
    case 'POST /webhooks': return { url: 'https://hooks.example.test/odock', secret: 'intruder-secret-0001' };
    case 'PATCH /webhooks/{webhookId}': return { url: 'https://intruder.example.test/odock' };
    default: return r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
  }
}

/** An organisation with one record of every kind, and its MCP server and grants. */
export async function seedRecords(admin: AdminClient, org: { orgId: string; base: string; providerId: string; providerKeyId: string; models: Record<string, string> }, tag: string): Promise<OrgRecords> {
  const team = await admin.ok('POST', `${org.base}/teams`, { name: `Team ${tag}` });
  const user = await admin.ok('POST', `${org.base}/users`, { email: `user-${tag}@example.test`, name: `User ${tag}`, role: 'member' });
  await admin.ok('POST', `${org.base}/teams/${team.id}/members`, { userId: user.id });
  const server = await admin.ok('POST', `${org.base}/mcp-servers`, { name: `Docs ${tag}`, slug: `docs-${tag}`, transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/mcp' });
  const key = await admin.ok('POST', `${org.base}/api-keys`, { type: 'TEAM', teamId: team.id, name: `key ${tag}` });
  const modelId = org.models['gpt-4.1'];
  await admin.ok('POST', `${org.base}/api-keys/${key.id}/model-access`, { modelIds: [modelId] });
  await admin.ok('POST', `${org.base}/api-keys/${key.id}/mcp-access`, { mcpServerIds: [server.id] });
  const deployment = await admin.ok('POST', `${org.base}/models/${modelId}/deployments`, { providerId: org.providerId, providerApiKeyId: org.providerKeyId, slug: 'gpt-4.1' });
  const rule = await admin.ok('POST', `${org.base}/routing-rules`, { modelId, apiKeyId: key.id, candidates: [{ modelId }] });
  const budget = await admin.ok('POST', `${org.base}/budgets`, { ownerType: 'API_KEY', ownerId: key.id, period: 'MONTHLY', amountUsd: '100' });
  const quota = await admin.ok('POST', `${org.base}/quotas`, { ownerType: 'TEAM', ownerId: team.id, period: 'DAILY', metric: 'REQUESTS', limit: 1000 });
  const webhook = await admin.ok('POST', `${org.base}/webhooks`, { url: `https://hooks-${tag}.example.test/odock`, secret: `secret-${tag}-0123456789abcdef` });
  return {
    orgId: org.orgId, teamId: team.id, userId: user.id, providerId: org.providerId, providerKeyId: org.providerKeyId,
    modelId, apiKeyId: key.id, serverId: server.id, deploymentId: deployment.id, ruleId: rule.id, budgetId: budget.id, quotaId: quota.id, webhookId: webhook.id,
  };
}

/** Everything an organisation's admin can read, as one string: compared before and after attacks. */
export async function snapshot(admin: AdminClient, routes: Route[], ids: OrgRecords): Promise<string> {
  const out: string[] = [];
  for (const r of routes) {
    if (r.method !== 'GET' || r.template.includes('policy-explain')) continue;
    // The audit log grows by design: it records the very calls being compared around.
    if (r.template.includes('/audit-log')) continue;
    const res = await admin.get(fill(r.template, ids) + (r.template.endsWith('s') ? '?limit=500' : ''));
    out.push(`${r.template} ${res.status} ${JSON.stringify(res.body)}`);
  }
  return out.join('\n');
}
