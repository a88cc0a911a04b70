// The logged-in operator, the organisation in the URL, and what the operator may do there.
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { api } from '../api/endpoints.ts';
import type { Role } from '../api/types.ts';

export const meQueryKey = ['me'] as const;

export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: api.me, retry: false, staleTime: 60_000 });
}

export function useOrgId(): string {
  const { orgId } = useParams();
  if (!orgId) throw new Error('useOrgId used outside an organisation route');
  return orgId;
}

/** The operator's role in the current organisation; super-admins act as admins everywhere. */
export function useRole(): Role | null {
  const { orgId } = useParams();
  const me = useMe().data;
  if (!me) return null;
  if (me.operator.superAdmin) return 'admin';
  return me.organisations.find((o) => o.id === orgId)?.role ?? null;
}

/** Members see everything but change nothing; the server enforces it, the UI just says so early. */
export function useCanMutate(): boolean {
  const role = useRole();
  return role === 'admin' || role === 'manager';
}

export function useIsAdmin(): boolean {
  return useRole() === 'admin';
}
