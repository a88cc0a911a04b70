// Policy dry run for a key: which limits of its stack (organisation, team, key, and a granted
// model's) apply, how much of each is used now, and whether the next request would pass.
// Reads counters without consuming anything (GET …/policy-explain).
import { Alert, Badge, Card, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconCircleCheck, IconHandStop } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, fetchAll } from '../../api/endpoints.ts';
import { tryOut } from '../../api/try-out.ts';
import type { ApiKey } from '../../api/types.ts';
import { useOrgId } from '../../hooks/use-session.ts';
import { formatNumber } from '../../lib/format.ts';
import { LIMIT_FIELDS } from '../../components/policies-form.ts';

const LABEL: Record<string, string> = Object.fromEntries(LIMIT_FIELDS.map((f) => [f.path, f.label]));

export function PolicyDryRunCard({ apiKey: k }: { apiKey: ApiKey }) {
  const orgId = useOrgId();
  const [modelId, setModelId] = useState<string | null>(null);
  const models = useQuery({ queryKey: ['org', orgId, 'api-keys', k.id, 'model-access', 'all'], queryFn: () => fetchAll((q) => api.listModelAccess(orgId, k.id, q)) });
  const explain = useQuery({
    queryKey: ['org', orgId, 'api-keys', k.id, 'policy-explain', modelId, k.policies],
    queryFn: () => tryOut.explainPolicies(orgId, k.id, modelId ? { modelId } : {}),
  });
  const e = explain.data;
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label="Policy dry run">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={4}>Policy dry run</Title>
            <Text size="sm" c="dimmed">What the next request with this key would meet, from every scope it stacks. Nothing is consumed.</Text>
          </div>
          <Select size="xs" label="With model" placeholder="Any model" clearable w={220} value={modelId} onChange={setModelId}
            data={(models.data?.items ?? []).map((m) => ({ value: m.id, label: m.name }))} />
        </Group>
        {explain.isLoading && <Text size="sm" c="dimmed" aria-busy="true">Checking…</Text>}
        {e && (e.would_refuse
          ? <Alert color="orange" variant="light" icon={<IconHandStop size={18} />} title={`The next request would be refused (${e.would_refuse.code})`}>{e.would_refuse.message}</Alert>
          : <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />}>The next request would pass{e.policies.length ? '' : ': no limit applies'}.</Alert>)}
        {e && e.policies.length > 0 && (
          <Table.ScrollContainer minWidth={520}>
            <Table aria-label="Applicable limits" verticalSpacing={6}>
              <Table.Thead><Table.Tr><Table.Th>Scope</Table.Th><Table.Th>Limit</Table.Th><Table.Th ta="right">Allowed</Table.Th><Table.Th ta="right">Now</Table.Th><Table.Th /></Table.Tr></Table.Thead>
              <Table.Tbody>
                {e.policies.map((p, i) => (
                  <Table.Tr key={i}>
                    <Table.Td><Badge variant="light" color="gray" tt="capitalize">{p.scope}</Badge></Table.Td>
                    <Table.Td><Text size="sm">{LABEL[p.policy] ?? (p.policy === 'ip' ? 'IP lists' : p.policy)}</Text></Table.Td>
                    <Table.Td ta="right"><Text size="sm">{p.limit === null ? '—' : formatNumber(p.limit)}</Text></Table.Td>
                    <Table.Td ta="right"><Text size="sm">{p.current === null ? '—' : typeof p.current === 'number' ? formatNumber(p.current) : p.current}</Text></Table.Td>
                    <Table.Td>{p.would_refuse ? <Badge color="orange" variant="light">Would refuse</Badge> : <Badge color="teal" variant="light">OK</Badge>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}
