import { useQuery } from '@tanstack/react-query';
import { api, fetchAll } from '../../api/endpoints.ts';
import type { ApiKey } from '../../api/types.ts';

export const apiKeysKey = (orgId: string) => ['org', orgId, 'api-keys'] as const;
export const apiKeyKey = (orgId: string, keyId: string) => ['org', orgId, 'api-keys', keyId] as const;

/** Teams and users of the organisation, for owner names and owner pickers. */
export function useOwners(orgId: string) {
  const teams = useQuery({ queryKey: ['org', orgId, 'teams', 'all'], queryFn: () => fetchAll((q) => api.listTeams(orgId, q)) });
  const users = useQuery({ queryKey: ['org', orgId, 'users', 'all'], queryFn: () => fetchAll((q) => api.listUsers(orgId, q)) });
  const teamById = new Map((teams.data?.items ?? []).map((t) => [t.id, t]));
  const userById = new Map((users.data?.items ?? []).map((u) => [u.id, u]));
  return { teams: teams.data?.items ?? [], users: users.data?.items ?? [], teamById, userById };
}

export function ownerLabel(k: Pick<ApiKey, 'type' | 'teamId' | 'userId'>, owners: ReturnType<typeof useOwners>): string {
  if (k.type === 'TEAM') return k.teamId ? (owners.teamById.get(k.teamId)?.name ?? 'Team') : '—';
  if (k.type === 'USER') {
    const u = k.userId ? owners.userById.get(k.userId) : undefined;
    return u ? (u.name || u.email) : 'User';
  }
  return 'Organisation';
}
