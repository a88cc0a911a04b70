// Detail pages render their record through this: skeleton while loading, "not found" for a 404
// (including another organisation's record), an error with retry otherwise.
import { Alert, Button, Group, Skeleton, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';
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
