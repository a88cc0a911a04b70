import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { isUniqueViolation, nowIso } from '../../store/db.ts';
import type { ProviderKeyTable, ProviderTable } from '../../store/schema.ts';
import type { PageParams } from '../../store/repos/paging.ts';
import type { ProviderRepo } from '../../store/repos/provider.repo.ts';
import type { ProviderKeyRepo } from '../../store/repos/provider-key.repo.ts';
import type { Vault } from '../../crypto/envelope.ts';
import { PROVIDER_TYPES, PROVIDER_TYPE_INFO, type ProviderType } from '../../providers/provider-types.ts';
import { assertSafeBaseUrl } from '../../upstream/ssrf-guard.ts';
import type { Role } from '../auth/operator-auth.ts';
import type { Invalidate } from '../shared/service-deps.ts';

export interface ProviderActivate { type: ProviderType; name?: string; baseUrl?: string; timeoutMs?: number; config?: Record<string, unknown> }
export interface ProviderPatch { name?: string; baseUrl?: string; timeoutMs?: number; enabled?: boolean; config?: Record<string, unknown> }

export interface ProviderServiceDeps {
  providers: Pick<ProviderRepo, 'listByOrg' | 'find' | 'insert' | 'update' | 'delete'>;
  providerKeys: Pick<ProviderKeyRepo, 'listPage' | 'find' | 'insert' | 'revoke' | 'delete'>;
  vault: Pick<Vault, 'encrypt'>;
  invalidate: Invalidate;
  /** ODOCK_ALLOW_PRIVATE_UPSTREAMS: base URLs may name private addresses. */
  allowPrivateUpstreams: boolean;
}

/** Where the provider key is sent is for admins: a manager could otherwise receive the key an admin entered. */
const baseUrlForbidden = (role: Role) =>
  new GatewayError('forbidden', `Your role (${role}) cannot set baseUrl: where a provider key is sent is for admins`, { field: 'baseUrl' });

/**
 * Providers (one active per type per organisation) and their keys, stored encrypted and bound
 * to their record. Base URLs pass the SSRF guard, and only admins may change where keys are sent.
 */
export function createProviderService({ providers, providerKeys, vault, invalidate, allowPrivateUpstreams }: ProviderServiceDeps) {
  const invalidateOrg = (orgId: string) => invalidate({ kind: 'org', orgId });
  const get = async (orgId: string, providerId: string): Promise<ProviderTable> => {
    const p = await providers.find(orgId, providerId);
    if (!p) throw new GatewayError('not_found', 'Provider not found');
    return p;
  };
  const getKey = async (orgId: string, providerId: string, keyId: string): Promise<ProviderKeyTable> => {
    const k = await providerKeys.find(orgId, providerId, keyId);
    if (!k) throw new GatewayError('not_found', 'Provider key not found');
    return k;
  };

  return {
    get,

    /** Every provider type, each with the organisation's active provider of that type, if any. */
    async listTypes(orgId: string) {
      const byType = new Map((await providers.listByOrg(orgId)).map((p) => [p.type, p]));
      return PROVIDER_TYPES.map((type) => ({ type, info: PROVIDER_TYPE_INFO[type], provider: byType.get(type) ?? null }));
    },

    async activate(orgId: string, role: Role, body: ProviderActivate): Promise<ProviderTable> {
      if (body.baseUrl !== undefined && role !== 'admin') throw baseUrlForbidden(role);
      const info = PROVIDER_TYPE_INFO[body.type];
      const rawUrl = body.baseUrl ?? info.defaultBaseUrl;
      if (!rawUrl) throw new GatewayError('invalid_request', `baseUrl is required for ${body.type}`, { field: 'baseUrl' });
      const now = nowIso();
      const row: ProviderTable = {
        id: randomUUID(), organisation_id: orgId, type: body.type, name: body.name ?? info.displayName,
        // vLLM's default base URL is local by nature; any URL given explicitly is checked.
        base_url: assertSafeBaseUrl(rawUrl, allowPrivateUpstreams || (!body.baseUrl && body.type === 'VLLM'), 'baseUrl'),
        timeout_ms: body.timeoutMs ?? info.defaultTimeoutMs, enabled: 1, config: JSON.stringify(body.config ?? {}), created_at: now, updated_at: now,
      };
      try {
        await providers.insert(row);
      } catch (e) {
        if (isUniqueViolation(e)) throw new GatewayError('conflict', `${body.type} is already active in this organisation`, { field: 'type' });
        throw e;
      }
      return row;
    },

    async update(orgId: string, role: Role, providerId: string, body: ProviderPatch): Promise<ProviderTable> {
      const before = await get(orgId, providerId);
      const set: Partial<ProviderTable> = { updated_at: nowIso() };
      if (body.name !== undefined) set.name = body.name;
      if (body.baseUrl !== undefined) {
        set.base_url = assertSafeBaseUrl(body.baseUrl, allowPrivateUpstreams, 'baseUrl');
        // An unchanged value is fine: a form may send every field back.
        if (set.base_url !== before.base_url && role !== 'admin') throw baseUrlForbidden(role);
      }
      if (body.timeoutMs !== undefined) set.timeout_ms = body.timeoutMs;
      if (body.enabled !== undefined) set.enabled = body.enabled ? 1 : 0;
      if (body.config !== undefined) set.config = JSON.stringify(body.config);
      await providers.update(orgId, providerId, set);
      await invalidateOrg(orgId);
      return get(orgId, providerId);
    },

    /** Its keys and models go with it. */
    async remove(orgId: string, providerId: string): Promise<void> {
      await get(orgId, providerId);
      await providers.delete(orgId, providerId);
      await invalidateOrg(orgId);
    },

    async listKeys(orgId: string, providerId: string, p: PageParams): Promise<ProviderKeyTable[]> {
      await get(orgId, providerId);
      return providerKeys.listPage(orgId, providerId, p);
    },

    async addKey(orgId: string, providerId: string, body: { name: string; key: string }): Promise<ProviderKeyTable> {
      await get(orgId, providerId);
      const id = randomUUID();
      const row: ProviderKeyTable = {
        id, organisation_id: orgId, provider_id: providerId, name: body.name,
        ciphertext: vault.encrypt(body.key, { organisationId: orgId, recordId: id, purpose: 'provider_key' }),
        key_preview: body.key.slice(-4), revoked: 0, created_at: nowIso(),
      };
      try {
        await providerKeys.insert(row);
      } catch (e) {
        if (isUniqueViolation(e)) throw new GatewayError('conflict', `A key named '${body.name}' already exists for this provider`, { field: 'name' });
        throw e;
      }
      return row;
    },

    async revokeKey(orgId: string, providerId: string, keyId: string): Promise<ProviderKeyTable> {
      await getKey(orgId, providerId, keyId);
      await providerKeys.revoke(orgId, keyId);
      await invalidateOrg(orgId);
      return getKey(orgId, providerId, keyId);
    },

    async removeKey(orgId: string, providerId: string, keyId: string): Promise<void> {
      await getKey(orgId, providerId, keyId);
      await providerKeys.delete(orgId, keyId);
      await invalidateOrg(orgId);
    },
  };
}
export type ProviderService = ReturnType<typeof createProviderService>;
