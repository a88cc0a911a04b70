// Detail pages render their record through this: skeleton while loading, "not found" for a 404
// (including another organisation's record), an error with retry otherwise.
import { Alert, Button, Group, Skeleton, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../api/client.ts';
import { useOrgId } from '../hooks/use-session.ts';
import { NotFoundPage } from '../pages/not-found-page.tsx';

export function QueryState<T>({ query, what, children }: { query: UseQueryResult<T>; what: string; children: (data: T) => ReactNode }) {
  if (query.isLoading) {
    return (
      <Stack aria-busy="true" aria-label={`Loading ${what}`}>
        <Skeleton height={14} width={160} />
        <Skeleton height={32} width={320} />
        <Skeleton height={180} radius="md" mt="md" />
        <Skeleton height={120} radius="md" />
      </Stack>
    );
  }
  if (query.error) {
    if (query.error instanceof ApiError && query.error.status === 404) return <NotFoundPage what={what} />;
    return (
      <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={`Could not load this ${what}`}>
        <Group justify="space-between">
          <Text size="sm">{errorMessage(query.error)}</Text>
          <Button size="xs" variant="white" color="red" onClick={() => void query.refetch()}>Retry</Button>
        </Group>
      </Alert>
    );
  }
  if (query.data === undefined) return null;
  return <>{children(query.data)}</>;
}

/** A record's page: the id from the route parameter `param`, the record fetched and shown through QueryState. */
export function RecordPage<T>(p: {
  param: string;
  what: string;
  queryKey: (orgId: string, id: string) => readonly unknown[];
  fetch: (orgId: string, id: string) => Promise<T>;
  children: (record: T) => ReactNode;
}) {
  const orgId = useOrgId();
  const id = useParams()[p.param] ?? '';
  const query = useQuery({ queryKey: p.queryKey(orgId, id), queryFn: () => p.fetch(orgId, id) });
  return <QueryState query={query} what={p.what}>{p.children}</QueryState>;
}
