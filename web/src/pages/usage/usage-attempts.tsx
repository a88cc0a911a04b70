// A routed call's attempts, from its usage record: each upstream try with its model, deployment,
// outcome and latency, behind a badge in the records table ("rerouted · 2 attempts").
import { Badge, Popover, Table, Text, UnstyledButton } from '@mantine/core';
import type { UsageRecord } from '../../api/types.ts';

export function AttemptsBadge({ record, modelName }: { record: UsageRecord; modelName: (id: string) => string }) {
  const attempts = record.attempts;
  if (!attempts || attempts.length === 0) return null;
  const label = `${record.rerouted ? 'rerouted · ' : ''}${attempts.length} attempt${attempts.length === 1 ? '' : 's'}`;
  return (
    <Popover position="bottom" withArrow shadow="md">
      <Popover.Target>
        <UnstyledButton aria-label={`Attempts of request ${record.requestId}`}>
          <Badge variant="outline" color={record.rerouted ? 'orange' : 'gray'} size="sm" style={{ cursor: 'pointer' }}>{label}</Badge>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown>
        <Table withRowBorders={false} verticalSpacing={4} aria-label="Attempts">
          <Table.Thead>
            <Table.Tr><Table.Th>#</Table.Th><Table.Th>Model</Table.Th><Table.Th>Deployment</Table.Th><Table.Th>Outcome</Table.Th><Table.Th>Latency</Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {attempts.map((a, i) => (
              <Table.Tr key={i}>
                <Table.Td>{i + 1}</Table.Td>
                <Table.Td><Text size="sm">{modelName(a.modelId)}</Text></Table.Td>
                <Table.Td><Text size="xs" ff="monospace">{a.deploymentId ? a.deploymentId.slice(0, 8) : 'primary'}</Text></Table.Td>
                <Table.Td><Text size="sm" c={a.errorCode ? 'red' : 'teal'}>{a.status}{a.errorCode ? ` · ${a.errorCode}` : ''}</Text></Table.Td>
                <Table.Td><Text size="sm">{a.latencyMs} ms</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Popover.Dropdown>
    </Popover>
  );
}
