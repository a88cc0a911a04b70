// Names of the records budgets and quotas belong to (teams, users, keys), for their Scope column.
import { useQuery } from '@tanstack/react-query';
import { api, fetchAll } from '../../api/endpoints.ts';
import type { OwnerType } from '../../api/types.ts';
import { useAllApiKeys } from '../../hooks/use-all-api-keys.ts';

export const OWNER_LABEL: Record<OwnerType, string> = { ORGANISATION: 'Organisation', TEAM: 'Team', USER: 'User', API_KEY: 'API key' };

export function useOwnerNames(orgId: string) {
  const teams = useQuery({ queryKey: ['org', orgId, 'teams', 'all'], queryFn: () => fetchAll((q) => api.listTeams(orgId, q)) });
  const users = useQuery({ queryKey: ['org', orgId, 'users', 'all'], queryFn: () => fetchAll((q) => api.listUsers(orgId, q)) });
  const keys = useAllApiKeys(orgId);
  const names = new Map<string, string>();
  for (const t of teams.data?.items ?? []) names.set(t.id, t.name);
  for (const u of users.data?.items ?? []) names.set(u.id, u.name || u.email);
  for (const k of keys.data?.items ?? []) names.set(k.id, k.name ?? k.maskedKey);
  return {
    name: (type: OwnerType, id: string) => {
      if (type === 'ORGANISATION') return 'Whole organisation';
      const loaded = teams.isSuccess && users.isSuccess && keys.isSuccess;
      // A budget outlives the record it was set on (it no longer applies to anything).
      return names.get(id) ?? (loaded ? `Deleted ${OWNER_LABEL[type].toLowerCase()}` : '…');
    },
    options: (type: OwnerType) => {
      if (type === 'TEAM') return (teams.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }));
      if (type === 'USER') return (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name ? `${u.name} (${u.email})` : u.email }));
      if (type === 'API_KEY') return (keys.data?.items ?? []).map((k) => ({ value: k.id, label: `${k.name ?? 'Unnamed key'} · ${k.maskedKey}` }));
      return [{ value: orgId, label: 'Whole organisation' }];
    },
  };
}
