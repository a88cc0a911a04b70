// MCP calls: totals and traffic over time from the MCP analytics, a breakdown by server, tool or
// key, and the records themselves.
import { Badge, Card, Group, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { IconPlugConnected } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/endpoints.ts';
import type { McpUsageRecord } from '../../api/types.ts';
import { PagedTable } from '../../components/paged-table.tsx';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { analyticsApi, type AnalyticsFilters, type McpGroupBy } from './analytics-api.ts';
import { ChartCard, fillBuckets } from './usage-charts.tsx';
import { bucketLabel, formatMs } from './usage-format.ts';
import { StatusBadge } from './usage-records.tsx';
import { Stat } from './usage-stat.tsx';

export function UsageMcp({ orgId, filters, keyName, serverName }: { orgId: string; filters: AnalyticsFilters; keyName: Map<string, string>; serverName: Map<string, string> }) {
  const [groupBy, setGroupBy] = useState<McpGroupBy>('server');
  const f = { from: filters.from, to: filters.to, interval: filters.interval, apiKeyId: filters.apiKeyId, outcome: filters.outcome };
  const over = useQuery({ queryKey: ['org', orgId, 'analytics', 'mcp', f], queryFn: () => analyticsApi.mcp(orgId, f) });
  const grouped = useQuery({ queryKey: ['org', orgId, 'analytics', 'mcp', groupBy, f], queryFn: () => analyticsApi.mcp(orgId, f, groupBy) });
  const records = usePagedQuery(['org', orgId, 'usage', 'mcp'], (q) => api.listMcpUsage(orgId, q), {
    filters: { apiKeyId: filters.apiKeyId, status: filters.outcome, from: filters.from, to: filters.to },
  });
  const t = over.data?.totals;
  const points = over.data ? fillBuckets(over.data.series, over.data.from, over.data.to, over.data.interval, {
    requests: 0, errors: 0, blocked: 0, bytesIn: 0, bytesOut: 0, latencyAvgMs: null, latencyP50Ms: null, latencyP95Ms: null, group: null, groupName: null,
  }).map((s) => ({ label: bucketLabel(s.bucket, over.data.interval), Succeeded: s.requests - s.errors, Failed: s.errors })) : [];
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label="MCP calls" value={formatNumber(t?.requests ?? 0)} hint={t?.errors ? `${t.errors.toLocaleString('en-US')} failed` : 'none failed'} />
        <Stat label="Blocked" value={formatNumber(t?.blocked ?? 0)} hint="refused by tool rules" />
        <Stat label="Bytes in / out" value={`${formatNumber(t?.bytesIn ?? 0)} / ${formatNumber(t?.bytesOut ?? 0)}`} hint="request / response" />
        <Stat label="Latency p50 / p95" value={`${formatMs(t?.latencyP50Ms)} / ${formatMs(t?.latencyP95Ms)}`} hint="end to end" />
      </SimpleGrid>
      <ChartCard title="MCP calls">
        <BarChart h={180} data={points} dataKey="label" type="stacked" tickLine="none" gridAxis="x" series={[{ name: 'Succeeded', color: 'indigo.6' }, { name: 'Failed', color: 'red.5' }]} />
      </ChartCard>
      <Card withBorder radius="md" padding="md" component="section" aria-label="MCP breakdown">
        <Group justify="space-between" mb="sm">
          <Title order={5}>Calls by {groupBy === 'apiKey' ? 'API key' : groupBy}</Title>
          <SegmentedControl aria-label="Group MCP calls by" size="xs" value={groupBy} onChange={(v) => setGroupBy(v as McpGroupBy)}
            data={[{ value: 'server', label: 'Server' }, { value: 'tool', label: 'Tool' }, { value: 'apiKey', label: 'API key' }, { value: 'status', label: 'Status' }]} />
        </Group>
        <Table striped aria-label="MCP calls by group">
          <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th ta="right">Calls</Table.Th><Table.Th ta="right">Failed</Table.Th><Table.Th ta="right">Blocked</Table.Th><Table.Th ta="right">p50 / p95</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {(grouped.data?.groups ?? []).map((g) => (
              <Table.Tr key={g.group ?? ''}>
                <Table.Td>{g.groupName ?? g.group ?? '—'}</Table.Td><Table.Td ta="right">{g.requests.toLocaleString('en-US')}</Table.Td>
                <Table.Td ta="right">{g.errors.toLocaleString('en-US')}</Table.Td><Table.Td ta="right">{g.blocked.toLocaleString('en-US')}</Table.Td>
                <Table.Td ta="right">{formatMs(g.latencyP50Ms)} / {formatMs(g.latencyP95Ms)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {grouped.data && grouped.data.groups.length === 0 && <Text c="dimmed" size="sm" ta="center" py="md">No MCP calls in this range.</Text>}
      </Card>
      <PagedTable<McpUsageRecord>
        label="MCP usage records"
        paged={records}
        minWidth={860}
        empty={{ icon: <IconPlugConnected size={22} />, title: 'No MCP calls in this range' }}
        columns={[
          { key: 'time', header: 'Time', render: (r) => <Text size="sm">{formatDateTime(r.createdAt)}</Text> },
          { key: 'key', header: 'API key', render: (r) => <Text size="sm">{r.apiKeyId ? keyName.get(r.apiKeyId) ?? 'Deleted key' : '—'}</Text> },
          { key: 'server', header: 'Server', render: (r) => <Text size="sm">{r.mcpServerId ? serverName.get(r.mcpServerId) ?? 'Deleted server' : '—'}</Text> },
          { key: 'method', header: 'Method / tool', render: (r) => <Text size="sm" ff="monospace">{r.method ?? '—'}{r.tool ? ` · ${r.tool}` : ''}</Text> },
          { key: 'status', header: 'Status', render: (r) => <Group gap={4}><StatusBadge status={r.status} errorCode={r.errorCode} />{r.blocked && <Badge variant="outline" color="red" size="sm">blocked</Badge>}</Group> },
          { key: 'bytes', header: 'Bytes in / out', align: 'right', render: (r) => <Text size="sm">{formatNumber(r.bytesIn)} / {formatNumber(r.bytesOut)}</Text> },
          { key: 'latency', header: 'Latency', align: 'right', render: (r) => <Text size="sm">{formatMs(r.latencyMs)}</Text> },
        ]}
      />
    </Stack>
  );
}
