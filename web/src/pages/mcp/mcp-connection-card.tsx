// "Test connection": the server connects with its own upstream auth (server side), answers
// initialize and tools/list; the discovered tools are kept in the query cache so the edit form
// can offer them for the allowed and blocked lists.
import { Alert, Badge, Button, Card, Group, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconPlugConnected } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../api/client.ts';
import { tryOut, type McpTestResult } from '../../api/try-out.ts';
import type { McpServer } from '../../api/types.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { mcpKey } from './mcp-server-form-modal.tsx';

export const mcpToolsKey = (orgId: string, serverId: string) => [...mcpKey(orgId), serverId, 'tools'] as const;

/** The last test's answer for a server (undefined until one ran in this session). */
export function useDiscoveredTools(orgId: string, serverId: string | undefined): McpTestResult | undefined {
  return useQuery<McpTestResult>({ queryKey: mcpToolsKey(orgId, serverId ?? ''), queryFn: () => tryOut.testMcpServer(orgId, serverId!), enabled: false }).data;
}

export function useTestConnection(serverId: string) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => tryOut.testMcpServer(orgId, serverId),
    onSuccess: (r) => qc.setQueryData(mcpToolsKey(orgId, serverId), r),
  });
}

export function McpConnectionCard({ server: s }: { server: McpServer }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const test = useTestConnection(s.id);
  const result = useDiscoveredTools(orgId, s.id);
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label="Connection">
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <div>
          <Title order={4}>Connection</Title>
          <Text size="sm" c="dimmed">Connects with the server's own credentials and lists its tools.</Text>
        </div>
        {canMutate && <Button variant="light" leftSection={<IconPlugConnected size={16} />} loading={test.isPending} onClick={() => test.mutate()}>Test connection</Button>}
      </Group>
      {test.error && <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />}>{errorMessage(test.error)}</Alert>}
      {result && !result.ok && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Connection failed">{result.error.message} ({result.error.code})</Alert>
      )}
      {result?.ok && (
        <Stack gap="xs">
          <Text size="sm" c="teal.8" fw={500}>Connected{result.serverName ? ` to ${result.serverName}` : ''} in {result.latencyMs} ms · {result.tools.length} tool{result.tools.length === 1 ? '' : 's'}</Text>
          <Group gap={4} role="group" aria-label="Discovered tools">
            {result.tools.map((t) => (
              <Tooltip key={t.name} label={t.usable ? t.description || 'Exposed to keys' : 'Hidden by this server\'s tool rules'} multiline maw={320}>
                <Badge variant="light" color={t.usable ? 'teal' : 'gray'} radius="sm" tt="none" ff="monospace" td={t.usable ? undefined : 'line-through'}>{t.name}</Badge>
              </Tooltip>
            ))}
          </Group>
        </Stack>
      )}
      {!result && !test.error && <Text size="sm" c="dimmed">Not tested in this session.</Text>}
    </Card>
  );
}
