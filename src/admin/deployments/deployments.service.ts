import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { nowIso } from '../../store/db.ts';
import type { ModelDeploymentTable } from '../../store/schema.ts';
import type { DeploymentRepo } from '../../store/repos/deployment.repo.ts';
import type { ModelRepo } from '../../store/repos/model.repo.ts';
import type { ProviderRepo } from '../../store/repos/provider.repo.ts';
import type { ProviderKeyRepo } from '../../store/repos/provider-key.repo.ts';
import type { CooldownStore, DeploymentHealth } from '../../routing/cooldown-store.ts';
import type { Invalidate } from '../shared/service-deps.ts';

export interface DeploymentCreate { providerId: string; providerApiKeyId: string; slug: string; weight?: number }
export interface DeploymentPatch { providerId?: string; providerApiKeyId?: string; slug?: string; weight?: number }

export interface DeploymentServiceDeps {
  deployments: Pick<DeploymentRepo, 'listOfModel' | 'find' | 'insert' | 'update' | 'delete'>;
  models: Pick<ModelRepo, 'find'>;
  providers: Pick<ProviderRepo, 'find'>;
  providerKeys: Pick<ProviderKeyRepo, 'find'>;
  cooldowns: Pick<CooldownStore, 'health'>;
  invalidate: Invalidate;
}

/**
 * Extra deployments of a model. The provider and its key must be the organisation's own (a
 * deployment can never send traffic, or a key, elsewhere); a manager may manage them since the
 * provider's base URL is not changed here. Every change reloads the organisation's routing table.
 */
export function createDeploymentService({ deployments, models, providers, providerKeys, cooldowns, invalidate }: DeploymentServiceDeps) {
  const invalidateOrg = (orgId: string) => invalidate({ kind: 'org', orgId });

  const checkModel = async (orgId: string, modelId: string) => {
    if (!(await models.find(orgId, modelId))) throw new GatewayError('not_found', 'Model not found');
  };
  const checkProviderAndKey = async (orgId: string, providerId: string, keyId: string) => {
    if (!(await providers.find(orgId, providerId))) {
      throw new GatewayError('invalid_request', 'providerId does not name an active provider of this organisation', { field: 'providerId' });
    }
    if (!(await providerKeys.find(orgId, providerId, keyId))) {
      throw new GatewayError('invalid_request', 'providerApiKeyId does not name a key of this provider', { field: 'providerApiKeyId' });
    }
  };
  const get = async (orgId: string, id: string): Promise<ModelDeploymentTable> => {
    const d = await deployments.find(orgId, id);
    if (!d) throw new GatewayError('not_found', 'Deployment not found');
    return d;
  };

  return {
    get,
    async list(orgId: string, modelId: string): Promise<{ row: ModelDeploymentTable; health: DeploymentHealth }[]> {
      await checkModel(orgId, modelId);
      const rows = await deployments.listOfModel(orgId, modelId);
      const health = await cooldowns.health(rows.map((r) => r.id), Date.now());
      return rows.map((row, i) => ({ row, health: health[i] }));
    },

    async create(orgId: string, modelId: string, body: DeploymentCreate): Promise<ModelDeploymentTable> {
      await checkModel(orgId, modelId);
      await checkProviderAndKey(orgId, body.providerId, body.providerApiKeyId);
      const now = nowIso();
      const row: ModelDeploymentTable = {
        id: randomUUID(), organisation_id: orgId, model_id: modelId, provider_id: body.providerId, provider_api_key_id: body.providerApiKeyId,
        slug: body.slug, weight: body.weight ?? 1, created_at: now, updated_at: now,
      };
      await deployments.insert(row);
      await invalidateOrg(orgId);
      return row;
    },

    async update(orgId: string, id: string, body: DeploymentPatch): Promise<ModelDeploymentTable> {
      const d = await get(orgId, id);
      const providerId = body.providerId ?? d.provider_id;
      const keyId = body.providerApiKeyId ?? d.provider_api_key_id;
      if (body.providerId !== undefined || body.providerApiKeyId !== undefined) {
        if (body.providerId !== undefined && body.providerId !== d.provider_id && body.providerApiKeyId === undefined) {
          throw new GatewayError('invalid_request', 'providerApiKeyId: a key of the new provider is required', { field: 'providerApiKeyId' });
        }
        await checkProviderAndKey(orgId, providerId, keyId);
      }
      const set: Partial<ModelDeploymentTable> = { updated_at: nowIso(), provider_id: providerId, provider_api_key_id: keyId };
      if (body.slug !== undefined) set.slug = body.slug;
      if (body.weight !== undefined) set.weight = body.weight;
      await deployments.update(orgId, id, set);
      await invalidateOrg(orgId);
      return get(orgId, id);
    },

    async remove(orgId: string, id: string): Promise<void> {
      await get(orgId, id);
      await deployments.delete(orgId, id);
      await invalidateOrg(orgId);
    },
  };
}
export type DeploymentService = ReturnType<typeof createDeploymentService>;
