import type { ModelDeploymentTable } from '../../store/schema.ts';
import type { DeploymentHealth } from '../../routing/cooldown-store.ts';

export const deploymentView = (d: ModelDeploymentTable) => ({
  id: d.id, organisationId: d.organisation_id, modelId: d.model_id, providerId: d.provider_id, providerApiKeyId: d.provider_api_key_id,
  slug: d.slug, weight: d.weight, createdAt: d.created_at, updatedAt: d.updated_at,
});

/** Health of one deployment as the console shows it: healthy, or cooling down until a time; recent error rate. */
export const healthView = (h: DeploymentHealth) => {
  const total = h.recentOk + h.recentErrors;
  return {
    status: h.coolingUntil ? 'cooling_down' : 'healthy',
    coolingDownUntil: h.coolingUntil ? new Date(h.coolingUntil).toISOString() : null,
    recentRequests: total,
    recentErrors: h.recentErrors,
    errorRate: total === 0 ? 0 : h.recentErrors / total,
  };
};
