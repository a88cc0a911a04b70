// Query keys and lookups shared by the model pages.
import { useQuery } from '@tanstack/react-query';
import { api, fetchAll } from '../../api/endpoints.ts';
import type { Provider } from '../../api/types.ts';
import { providersKey } from '../providers/providers-page.tsx';

export const modelsKey = (orgId: string) => ['org', orgId, 'models'] as const;
export const MODEL_TYPES = ['chat', 'embeddings', 'image', 'audio'] as const;

/** Active providers of the organisation, by id, for labels and pickers. */
export function useActiveProviders(orgId: string) {
  const q = useQuery({ queryKey: providersKey(orgId), queryFn: () => api.listProviders(orgId) });
  const providers: Provider[] = (q.data?.items ?? []).flatMap((s) => (s.provider ? [s.provider] : []));
  const byId = new Map(providers.map((p) => [p.id, p]));
  return { providers, byId, isLoading: q.isLoading };
}

/** Every key of one provider (a provider has few), for the key pickers. */
export function useProviderKeys(orgId: string, providerId: string | null) {
  return useQuery({
    queryKey: ['org', orgId, 'providers', providerId, 'keys', 'all'],
    queryFn: () => fetchAll((q) => api.listProviderKeys(orgId, providerId!, q)),
    enabled: !!providerId,
  });
}
