import { AdminClient } from './admin-client.ts';
import type { TestOdock } from './odock.ts';

export interface SetupOptions {
  providerType?: string;
  baseUrl?: string;
  providerKey?: string;
  /** Models to create: name → slug (and optional pricing). */
  models?: Record<string, { slug: string; type?: string; pricing?: Record<string, number> }>;
  /** Names of the models the key is granted; default all. */
  grant?: string[];
  keyBody?: Record<string, unknown>;
  client?: AdminClient;
  orgId?: string;
}

export interface SetupResult {
  client: AdminClient;
  orgId: string;
  providerId: string;
  providerKeyId: string;
  modelIds: Record<string, string>;
  keyId: string;
  secret: string;
}

/**
 * The seed's Initial Setup through the admin API: activate a provider, add its key, create
 * models, create a virtual key, grant it the models, reveal it.
 */
export async function setupKey(odock: TestOdock, o: SetupOptions = {}): Promise<SetupResult> {
  const client = o.client ?? (await AdminClient.login(odock.url));
  const orgId = o.orgId ?? (await client.defaultOrgId());
  const type = o.providerType ?? 'OPENAI';
  const providers = await client.ok('GET', `/api/organisations/${orgId}/providers`);
  const existing = providers.items.find((p: any) => p.type === type)?.provider;
  const provider = existing ?? (await client.ok('POST', `/api/organisations/${orgId}/providers`, { type, ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}) }));
  if (existing && o.baseUrl && existing.baseUrl !== o.baseUrl) await client.ok('PATCH', `/api/organisations/${orgId}/providers/${provider.id}`, { baseUrl: o.baseUrl });
  const pkey = await client.ok('POST', `/api/organisations/${orgId}/providers/${provider.id}/keys`, { name: `k-${Math.random().toString(36).slice(2, 8)}`, key: o.providerKey ?? 'sk-test-provider-key-0001' });
  const models = o.models ?? { 'gpt-4.1-mini': { slug: 'gpt-4.1-mini', pricing: { inputPerMTok: 0.4, outputPerMTok: 1.6, cachedInputPerMTok: 0.1 } } };
  const modelIds: Record<string, string> = {};
  for (const [name, m] of Object.entries(models)) {
    const created = await client.ok('POST', `/api/organisations/${orgId}/models`, { name, slug: m.slug, providerId: provider.id, providerApiKeyId: pkey.id, type: m.type ?? 'chat', pricing: m.pricing ?? {} });
    modelIds[name] = created.id;
  }
  const key = await client.ok('POST', `/api/organisations/${orgId}/api-keys`, { type: 'ORGANISATION', name: `test-${Math.random().toString(36).slice(2, 10)}`, ...o.keyBody });
  const grant = (o.grant ?? Object.keys(models)).map((n) => modelIds[n]);
  if (grant.length) await client.ok('POST', `/api/organisations/${orgId}/api-keys/${key.id}/model-access`, { modelIds: grant });
  const { key: secret } = await client.ok('POST', `/api/organisations/${orgId}/api-keys/${key.id}/reveal`);
  return { client, orgId, providerId: provider.id, providerKeyId: pkey.id, modelIds, keyId: key.id, secret };
}
