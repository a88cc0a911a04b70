import { Text } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/endpoints.ts';
import type { ApiKey } from '../../api/types.ts';
import { Mono } from '../../components/badges.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { useOrgId } from '../../hooks/use-session.ts';
import { browserTimeZone, formatDateTimeIn } from '../../lib/format.ts';
import { apiKeyKey } from './api-key-queries.ts';

export function RotationHistory({ apiKey }: { apiKey: ApiKey }) {
  const orgId = useOrgId();
  // The server answers the whole (short) history at once, newest first.
  const q = useQuery({ queryKey: [...apiKeyKey(orgId, apiKey.id), 'rotations'], queryFn: () => api.listRotations(orgId, apiKey.id, { limit: 500 }) });
  return (
    <DataTable
      label="Rotation history"
      rows={q.data?.items ?? []}
      rowKey={(r) => r.id}
      loading={q.isLoading}
      error={q.error}
      onRetry={() => void q.refetch()}
      minWidth={640}
      empty={{ icon: <IconHistory size={22} />, title: 'Never rotated', description: 'Each rotation is recorded here with the masked old key, the old and new expiry, and who rotated it.' }}
      columns={[
        { key: 'at', header: 'Rotated', render: (r) => <Text size="sm">{formatDateTimeIn(r.rotatedAt, browserTimeZone())}</Text> },
        { key: 'old', header: 'Old key', render: (r) => <Mono>{r.maskedOldKey}</Mono> },
        { key: 'oldExp', header: 'Old expiry', render: (r) => <Text size="sm" c={r.oldExpiry ? undefined : 'dimmed'}>{r.oldExpiry ? formatDateTimeIn(r.oldExpiry, apiKey.timezone) : 'Never'}</Text> },
        { key: 'newExp', header: 'New expiry', render: (r) => <Text size="sm" c={r.newExpiry ? undefined : 'dimmed'}>{r.newExpiry ? formatDateTimeIn(r.newExpiry, apiKey.timezone) : 'Never'}</Text> },
        { key: 'by', header: 'Rotated by', render: (r) => <Text size="sm">{r.rotatedBy ?? '—'}</Text> },
      ]}
    />
  );
}
