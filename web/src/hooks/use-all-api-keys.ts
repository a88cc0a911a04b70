// Every API key of the organisation, for pickers and filters (one cache entry they share).
import { useQuery } from '@tanstack/react-query';
import { api, fetchAll } from '../api/endpoints.ts';

export function useAllApiKeys(orgId: string, enabled = true) {
  return useQuery({ queryKey: ['org', orgId, 'api-keys', 'all'], queryFn: () => fetchAll((q) => api.listApiKeys(orgId, q)), enabled });
}
