// The raw records of the range (paged on the server), newest first. Kept USAGE_RETENTION_DAYS.
import { Badge, Text, Tooltip } from '@mantine/core';
import { IconChartBar } from '@tabler/icons-react';
import { api } from '../../api/endpoints.ts';
import type { UsageRecord } from '../../api/types.ts';
import { PagedTable } from '../../components/paged-table.tsx';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { formatDateTime, formatNumber, PROVIDER_LABEL } from '../../lib/format.ts';
import { formatMs, formatNanoUsd } from './usage-format.ts';
import { isSuccess } from './usage-range.ts';
import { AttemptsBadge } from './usage-attempts.tsx';

export function StatusBadge({ status, errorCode }: { status: string | number; errorCode?: string | null }) {
  return <Badge variant="light" color={isSuccess(status) ? 'teal' : 'red'} radius="sm">{String(status)}{errorCode ? ` · ${errorCode}` : ''}</Badge>;
}

export interface RecordFilters { apiKeyId: string | null; modelId: string | null; status: 'success' | 'error' | null; from: string; to: string }

export function UsageRecords({ orgId, filters, keyName, modelNames }: { orgId: string; filters: RecordFilters; keyName: Map<string, string>; modelNames: Map<string, string> }) {
  const paged = usePagedQuery(['org', orgId, 'usage'], (q) => api.listUsage(orgId, q), { filters: { ...filters } });
  return (
    <PagedTable<UsageRecord>
      label="Usage records"
      paged={paged}
      minWidth={980}
      empty={{ icon: <IconChartBar size={22} />, title: 'No usage in this range', description: 'Calls made with your virtual API keys appear here a moment after they finish.' }}
      columns={[
        { key: 'time', header: 'Time', render: (r) => <Tooltip label={r.requestId}><Text size="sm">{formatDateTime(r.createdAt)}</Text></Tooltip> },
        { key: 'key', header: 'API key', render: (r) => <Text size="sm">{r.apiKeyId ? keyName.get(r.apiKeyId) ?? 'Deleted key' : '—'}</Text> },
        { key: 'model', header: 'Model', render: (r) => <div><Text size="sm" fw={500}>{r.modelName ?? '—'}</Text><Text size="xs" c="dimmed">{r.providerType ? PROVIDER_LABEL[r.providerType] ?? r.providerType : ''}</Text></div> },
        { key: 'status', header: 'Status', render: (r) => <StatusBadge status={r.status} errorCode={r.errorCode} /> },
        { key: 'tokens', header: 'Tokens in / out', align: 'right', render: (r) => <Text size="sm">{formatNumber(r.inputTokens)} / {formatNumber(r.outputTokens)}</Text> },
        { key: 'cost', header: 'Cost', align: 'right', render: (r) => <Text size="sm">{formatNanoUsd(r.costNanoUsd)}</Text> },
        // Time to first token only means something for a streamed answer.
        { key: 'latency', header: 'Latency', align: 'right', render: (r) => <Text size="sm">{formatMs(r.latencyMs)}{r.streamed && r.ttftMs !== null ? <Text span size="xs" c="dimmed"> · TTFT {formatMs(r.ttftMs)}</Text> : null}</Text> },
        { key: 'stream', header: 'Stream', render: (r) => (r.streamed ? <Badge variant="outline" color="gray" size="sm">SSE</Badge> : null) },
        { key: 'route', header: 'Routing', render: (r) => <AttemptsBadge record={r} modelName={(id) => modelNames.get(id) ?? 'Deleted model'} /> },
      ]}
    />
  );
}
