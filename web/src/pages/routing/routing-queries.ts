// Query keys, labels and name lookups shared by the Routing page and its dialogs.
import { useQuery } from '@tanstack/react-query';
import { api, fetchAll } from '../../api/endpoints.ts';
import { useAllApiKeys } from '../../hooks/use-all-api-keys.ts';

export const routingRulesKey = (orgId: string) => ['org', orgId, 'routing-rules'] as const;
export const STRATEGY_LABEL = { FAILOVER: 'Failover', ROUND_ROBIN: 'Round robin', WEIGHTED: 'Weighted' } as const;

/** Names of the organisation's models and keys, for labels and pickers. */
export function useRoutingNames(orgId: string) {
  const models = useQuery({ queryKey: ['org', orgId, 'models', 'all'], queryFn: () => fetchAll((q) => api.listModels(orgId, q)) });
  const keys = useAllApiKeys(orgId);
  return {
    models: models.data?.items ?? [],
    keys: keys.data?.items ?? [],
    modelName: new Map((models.data?.items ?? []).map((m) => [m.id, m.name])),
    keyName: new Map((keys.data?.items ?? []).map((k) => [k.id, k.name ?? k.maskedKey])),
  };
}

