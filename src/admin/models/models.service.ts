import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { isUniqueViolation, nowIso } from '../../store/db.ts';
import type { ModelTable } from '../../store/schema.ts';
import type { PageParams } from '../../store/repos/paging.ts';
import type { ModelFilter, ModelRepo } from '../../store/repos/model.repo.ts';
import type { ProviderRepo } from '../../store/repos/provider.repo.ts';
import type { ProviderKeyRepo } from '../../store/repos/provider-key.repo.ts';
import type { CatalogModel } from '../catalog/catalog.data.ts';
import type { Invalidate } from '../shared/service-deps.ts';

type ModelType = ModelTable['type'];
interface Pricing { inputPerMTok?: number; outputPerMTok?: number; cachedInputPerMTok?: number }
export interface ModelCreate {
  name: string; slug: string; providerId: string; providerApiKeyId?: string | null;
  type: ModelType; capabilities?: string[]; pricing?: Pricing; policies?: unknown;
}
export interface ModelPatch {
  name?: string; slug?: string; providerApiKeyId?: string | null;
  type?: ModelType; capabilities?: string[]; pricing?: Pricing; policies?: unknown;
}
export interface ModelBatch { providerId: string; providerApiKeyId: string; slugs: string[] }

export interface ModelServiceDeps {
  models: Pick<ModelRepo, 'listPage' | 'find' | 'insert' | 'insertAll' | 'update' | 'delete'>;
  providers: Pick<ProviderRepo, 'find'>;
  providerKeys: Pick<ProviderKeyRepo, 'find'>;
  /** The model catalog (Batch Create From Catalog reads type, capabilities and pricing from it). */
  catalog: readonly CatalogModel[];
  invalidate: Invalidate;
}

/**
 * Models of an organisation: each names a provider of the same organisation and optionally one
 * of that provider's keys. Names are unique per organisation (409). Every change reloads the
 * organisation's routing table on every instance.
 */
export function createModelService({ models, providers, providerKeys, catalog, invalidate }: ModelServiceDeps) {
  const invalidateOrg = (orgId: string) => invalidate({ kind: 'org', orgId });
  const conflict = (e: unknown, n: string) => (isUniqueViolation(e) ? new GatewayError('conflict', `A model named '${n}' already exists`, { field: 'name' }) : e);

  const checkProviderAndKey = async (orgId: string, providerId: string, keyId: string | null | undefined) => {
    const provider = await providers.find(orgId, providerId);
    if (!provider) throw new GatewayError('invalid_request', 'providerId does not name an active provider of this organisation', { field: 'providerId' });
    if (keyId && !(await providerKeys.find(orgId, providerId, keyId))) {
      throw new GatewayError('invalid_request', 'providerApiKeyId does not name a key of this provider', { field: 'providerApiKeyId' });
    }
    return provider;
  };

  const get = async (orgId: string, modelId: string): Promise<ModelTable> => {
    const m = await models.find(orgId, modelId);
    if (!m) throw new GatewayError('not_found', 'Model not found');
    return m;
  };

  return {
    get,
    list: (orgId: string, f: ModelFilter, p: PageParams) => models.listPage(orgId, f, p),

    async create(orgId: string, body: ModelCreate): Promise<ModelTable> {
      await checkProviderAndKey(orgId, body.providerId, body.providerApiKeyId);
      const now = nowIso();
      const row: ModelTable = {
        id: randomUUID(), organisation_id: orgId, name: body.name, slug: body.slug, provider_id: body.providerId,
        provider_api_key_id: body.providerApiKeyId ?? null, type: body.type, capabilities: JSON.stringify(body.capabilities ?? []),
        pricing: JSON.stringify(body.pricing ?? {}), policies: JSON.stringify(body.policies ?? {}), created_at: now, updated_at: now,
      };
      try {
        await models.insert(row);
      } catch (e) {
        throw conflict(e, body.name);
      }
      await invalidateOrg(orgId);
      return row;
    },

    /** Batch Create From Catalog: every slug must be in the provider type's catalog; all or nothing. */
    async createFromCatalog(orgId: string, body: ModelBatch): Promise<ModelTable[]> {
      const provider = await checkProviderAndKey(orgId, body.providerId, body.providerApiKeyId);
      const now = nowIso();
      const rows: ModelTable[] = [...new Set(body.slugs)].map((slug) => {
        const entry = catalog.find((c) => c.providerType === provider.type && c.slug === slug);
        if (!entry) throw new GatewayError('invalid_request', `'${slug}' is not in the ${provider.type} catalog`, { field: 'slugs' });
        return {
          id: randomUUID(), organisation_id: orgId, name: slug, slug, provider_id: provider.id, provider_api_key_id: body.providerApiKeyId,
          type: entry.type, capabilities: JSON.stringify(entry.capabilities), pricing: JSON.stringify(entry.pricing), policies: '{}', created_at: now, updated_at: now,
        };
      });
      try {
        await models.insertAll(rows);
      } catch (e) {
        if (isUniqueViolation(e)) throw new GatewayError('conflict', 'One or more of these models already exist; nothing was created', { field: 'slugs' });
        throw e;
      }
      await invalidateOrg(orgId);
      return rows;
    },

    async update(orgId: string, modelId: string, body: ModelPatch): Promise<ModelTable> {
      const m = await get(orgId, modelId);
      if (body.providerApiKeyId) await checkProviderAndKey(orgId, m.provider_id, body.providerApiKeyId);
      const set: Partial<ModelTable> = { updated_at: nowIso() };
      if (body.name !== undefined) set.name = body.name;
      if (body.slug !== undefined) set.slug = body.slug;
      if (body.providerApiKeyId !== undefined) set.provider_api_key_id = body.providerApiKeyId;
      if (body.type !== undefined) set.type = body.type;
      if (body.capabilities !== undefined) set.capabilities = JSON.stringify(body.capabilities);
      if (body.pricing !== undefined) set.pricing = JSON.stringify(body.pricing);
      if (body.policies !== undefined) set.policies = JSON.stringify(body.policies);
      try {
        await models.update(orgId, modelId, set);
      } catch (e) {
        throw conflict(e, body.name ?? m.name);
      }
      await invalidateOrg(orgId);
      return get(orgId, modelId);
    },

    async remove(orgId: string, modelId: string): Promise<void> {
      await get(orgId, modelId);
      await models.delete(orgId, modelId);
      await invalidateOrg(orgId);
    },
  };
}
export type ModelService = ReturnType<typeof createModelService>;
