// Chargeback: one period's spend by team and by key within each team (UTC months, quarters, years).
import { Card, Group, Select, Skeleton, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { analyticsApi } from './analytics-api.ts';
import { formatUsd } from './usage-format.ts';

/** The last twelve UTC months, newest first, then this year and last year. */
function periods(now = new Date()): { value: string; label: string }[] {
  const months = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)));
  const year = now.getUTCFullYear();
  return [
    ...months.map((d) => ({ value: d.toISOString().slice(0, 7), label: d.toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }) })),
    { value: String(year), label: `Year ${year}` }, { value: String(year - 1), label: `Year ${year - 1}` },
  ];
}

export function UsageChargeback({ orgId }: { orgId: string }) {
  const options = periods();
  const [period, setPeriod] = useState(options[0].value);
  const q = useQuery({ queryKey: ['org', orgId, 'analytics', 'chargeback', period], queryFn: () => analyticsApi.chargeback(orgId, period) });
  const byTeam = new Map<string, NonNullable<typeof q.data>['items']>();
  for (const item of q.data?.items ?? []) byTeam.set(item.teamId ?? '', [...(byTeam.get(item.teamId ?? '') ?? []), item]);
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-label="Chargeback">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={5}>Chargeback by team and key</Title>
          <Text size="sm" c="dimmed">Spend of one period (UTC), to bill back to each team.</Text>
        </div>
        <Select aria-label="Period" data={options} value={period} onChange={(v) => v && setPeriod(v)} allowDeselect={false} w={200} />
      </Group>
      {q.isPending ? <Skeleton h={160} /> : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Chargeback by team and key">
            <Table.Thead><Table.Tr><Table.Th>Team / API key</Table.Th><Table.Th ta="right">Requests</Table.Th><Table.Th ta="right">Tokens in / out</Table.Th><Table.Th ta="right">Cost</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {(q.data?.teams ?? []).map((team) => [
                <Table.Tr key={`t-${team.teamId ?? ''}`} fw={600}>
                  <Table.Td>{team.teamName ?? (team.teamId ? 'Deleted team' : 'No team')}</Table.Td><Table.Td ta="right">{team.requests.toLocaleString('en-US')}</Table.Td>
                  <Table.Td ta="right">{team.inputTokens.toLocaleString('en-US')} / {team.outputTokens.toLocaleString('en-US')}</Table.Td><Table.Td ta="right">{formatUsd(team.costUsd)}</Table.Td>
                </Table.Tr>,
                ...(byTeam.get(team.teamId ?? '') ?? []).map((k) => (
                  <Table.Tr key={`k-${team.teamId ?? ''}-${k.apiKeyId ?? ''}`}>
                    <Table.Td pl="xl"><Text size="sm" c="dimmed">{k.apiKeyName ?? (k.apiKeyId ? 'Deleted key' : 'No key')}</Text></Table.Td><Table.Td ta="right">{k.requests.toLocaleString('en-US')}</Table.Td>
                    <Table.Td ta="right">{k.inputTokens.toLocaleString('en-US')} / {k.outputTokens.toLocaleString('en-US')}</Table.Td><Table.Td ta="right">{formatUsd(k.costUsd)}</Table.Td>
                  </Table.Tr>
                )),
              ])}
              <Table.Tr fw={700}><Table.Td>Total</Table.Td><Table.Td ta="right">{(q.data?.totals.requests ?? 0).toLocaleString('en-US')}</Table.Td><Table.Td /><Table.Td ta="right" data-testid="chargeback-total">{formatUsd(q.data?.totals.costUsd ?? 0)}</Table.Td></Table.Tr>
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
