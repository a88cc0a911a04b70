// Spend per API key, team, model or provider over the range: a chart of the largest and the table of all.
import { Card, Group, Progress, SegmentedControl, Skeleton, Table, Text, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { analyticsApi, type AnalyticsFilters, type UsageGroupBy } from './analytics-api.ts';
import { formatMs, formatUsd } from './usage-format.ts';

const GROUPS: { value: UsageGroupBy; label: string; noun: string; none: string }[] = [
  { value: 'apiKey', label: 'API key', noun: 'API key', none: 'No key' },
  { value: 'team', label: 'Team', noun: 'team', none: 'No team' },
  { value: 'model', label: 'Model', noun: 'model', none: 'Unknown model' },
  { value: 'provider', label: 'Provider', noun: 'provider', none: 'Unknown provider' },
];

export function UsageBreakdown({ orgId, filters }: { orgId: string; filters: AnalyticsFilters }) {
  const [groupBy, setGroupBy] = useState<UsageGroupBy>('apiKey');
  const g = GROUPS.find((x) => x.value === groupBy)!;
  const q = useQuery({ queryKey: ['org', orgId, 'analytics', groupBy, filters], queryFn: () => analyticsApi.usage(orgId, filters, groupBy, 100) });
  const groups = q.data?.groups ?? [];
  const total = q.data?.totals.costUsd ?? 0;
  const name = (x: { group: string | null; groupName: string | null }) => x.groupName ?? (x.group ? `Deleted (${x.group.slice(0, 8)})` : g.none);
  const top = groups.slice(0, 10).map((x) => ({ name: name(x), Cost: x.costUsd }));
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-label="Spend breakdown">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={5}>Spend by {g.noun}</Title>
        <SegmentedControl aria-label="Group spend by" size="xs" value={groupBy} onChange={(v) => setGroupBy(v as UsageGroupBy)} data={GROUPS.map(({ value, label }) => ({ value, label }))} />
      </Group>
      {q.isPending ? <Skeleton h={220} /> : groups.length === 0 ? <Text c="dimmed" size="sm" py="xl" ta="center">No spend in this range.</Text> : (
        <>
          <BarChart h={Math.max(120, top.length * 28)} data={top} dataKey="name" orientation="vertical" yAxisProps={{ width: 160 }} valueFormatter={formatUsd}
            series={[{ name: 'Cost', color: 'indigo.6' }]} gridAxis="none" tickLine="none" />
          <Table.ScrollContainer minWidth={760} mt="md">
            <Table striped highlightOnHover aria-label={`Spend by ${g.noun}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{g.label}</Table.Th><Table.Th ta="right">Requests</Table.Th><Table.Th ta="right">Failed</Table.Th>
                  <Table.Th ta="right">Tokens in / out</Table.Th><Table.Th ta="right">p50 / p95</Table.Th><Table.Th ta="right">Cost</Table.Th><Table.Th w={140}>Share</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {groups.map((x) => (
                  <Table.Tr key={x.group ?? ''}>
                    <Table.Td><Text size="sm" fw={500}>{name(x)}</Text></Table.Td>
                    <Table.Td ta="right">{x.requests.toLocaleString('en-US')}</Table.Td>
                    <Table.Td ta="right">{x.errors.toLocaleString('en-US')}</Table.Td>
                    <Table.Td ta="right">{x.inputTokens.toLocaleString('en-US')} / {x.outputTokens.toLocaleString('en-US')}</Table.Td>
                    <Table.Td ta="right">{formatMs(x.latencyP50Ms)} / {formatMs(x.latencyP95Ms)}</Table.Td>
                    <Table.Td ta="right" data-testid="group-cost">{formatUsd(x.costUsd)}</Table.Td>
                    <Table.Td><Progress value={total > 0 ? (x.costUsd / total) * 100 : 0} size="sm" aria-label="Share of spend" /></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Card>
  );
}
