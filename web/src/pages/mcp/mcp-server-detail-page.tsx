// An MCP server: configuration, tool rules, and the API keys granted to it.
import { Badge, Button, Card, Grid, Group, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, fetchAll } from '../../api/endpoints.ts';
import type { ApiKey, McpServer } from '../../api/types.ts';
import { ApiKeyPickerModal } from '../../components/api-key-picker-modal.tsx';
import { Mono } from '../../components/badges.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { grantedKeyColumns } from '../../components/granted-key-columns.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { DetailList } from '../../components/detail-list.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { ReadOnlyNotice } from '../../components/read-only-notice.tsx';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { formatDateTime } from '../../lib/format.ts';
import { mcpKey, McpServerFormModal } from './mcp-server-form-modal.tsx';
import { EnabledSwitch, TRANSPORT_LABEL } from './mcp-servers-page.tsx';
import { targetOf } from './mcp-stdio.ts';

export function McpServerDetailPage() {
  const orgId = useOrgId();
  const { serverId = '' } = useParams();
  const query = useQuery({ queryKey: [...mcpKey(orgId), serverId], queryFn: () => api.getMcpServer(orgId, serverId) });
  return <QueryState query={query} what="MCP server">{(s) => <McpServerDetail server={s} />}</QueryState>;
}

function ToolList({ tools, empty, color }: { tools: string[]; empty: string; color: string }) {
  if (!tools.length) return <Text size="sm" c="dimmed">{empty}</Text>;
  return <Group gap={4}>{tools.map((t) => <Badge key={t} variant="light" color={color} radius="sm" tt="none" ff="monospace">{t}</Badge>)}</Group>;
}

function McpServerDetail({ server: s }: { server: McpServer }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<'edit' | 'delete' | null>(null);
  const auth = s.authType === 'NONE' ? 'None' : `${s.authType}${s.hasAuthSecret ? ' · secret stored' : ' · no secret'}`;

  return (
    <>
      <PageHeader
        crumbs={[{ label: 'MCP Servers', to: `/orgs/${orgId}/mcp-servers` }]}
        title={s.name}
        badges={<Badge variant="light" color="gray" radius="sm">{TRANSPORT_LABEL[s.transport]}</Badge>}
        description={s.description || undefined}
        actions={canMutate && (
          <>
            <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setDialog('edit')}>Edit</Button>
            <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setDialog('delete')}>Delete</Button>
          </>
        )}
      />
      <ReadOnlyNotice />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Card withBorder radius="md" padding="lg">
            <Group justify="space-between" mb="sm"><Title order={4}>Configuration</Title><EnabledSwitch server={s} /></Group>
            <DetailList
              items={[
                ['Gateway path', <Mono>/v1/mcp/{s.slug}</Mono>],
                [s.transport === 'STDIO' ? 'Command' : 'Endpoint', <Mono>{targetOf(s)}</Mono>],
                ['Upstream auth', auth],
                ...(s.authConfig?.username ? [['Username', s.authConfig.username] as [string, string]] : []),
                ...(s.authConfig?.tokenUrl ? [['Token URL', s.authConfig.tokenUrl] as [string, string]] : []),
                ...(s.authConfig?.clientId ? [['Client ID', s.authConfig.clientId] as [string, string]] : []),
                ['Allowed tools', <ToolList tools={s.allowedTools} empty="All tools" color="teal" />],
                ['Blocked tools', <ToolList tools={s.blockedTools} empty="None" color="red" />],
                ['Created', formatDateTime(s.createdAt)],
              ]}
            />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <ServerKeysCard server={s} />
        </Grid.Col>
      </Grid>
      <McpServerFormModal opened={dialog === 'edit'} onClose={() => setDialog(null)} server={s} />
      <ConfirmDialog
        opened={dialog === 'delete'}
        onClose={() => setDialog(null)}
        title={`Delete ${s.name}?`}
        message="Keys lose access to it and its stored credentials are destroyed. Clients get mcp_not_found."
        confirmLabel="Delete server"
        onConfirm={async () => {
          await api.deleteMcpServer(orgId, s.id);
          await qc.invalidateQueries({ queryKey: mcpKey(orgId) });
          notifications.show({ color: 'teal', message: `${s.name} deleted` });
          navigate(`/orgs/${orgId}/mcp-servers`);
        }}
      />
    </>
  );
}

function ServerKeysCard({ server: s }: { server: McpServer }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const key = [...mcpKey(orgId), s.id, 'api-keys'];
  const paged = usePagedQuery(key, (q) => api.listMcpServerApiKeys(orgId, s.id, q));
  const all = useQuery({ queryKey: [...key, 'ids'], queryFn: () => fetchAll((q) => api.listMcpServerApiKeys(orgId, s.id, q)) });
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<ApiKey | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: key });

  return (
    <Card withBorder radius="md" padding={0}>
      <Group justify="space-between" p="lg" pb="sm">
        <div>
          <Title order={4}>API keys with access</Title>
          <Text size="sm" c="dimmed">Only these keys may use {s.name}. Model access never implies MCP access.</Text>
        </div>
        {canMutate && <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>Batch Add</Button>}
      </Group>
      <DataTable
        label="API keys with access"
        withBorder={false}
        rows={paged.items}
        rowKey={(k) => k.id}
        loading={paged.isLoading}
        error={paged.error}
        onRetry={paged.refetch}
        paging={paged}
        minWidth={520}
        empty={{ icon: <IconKey size={22} />, title: 'No key can use this server yet', description: 'Grant it to keys with Batch Add.' }}
        columns={grantedKeyColumns(orgId, { keyTab: 'mcp-access', canMutate, onRemove: setRemoving })}
      />
      <ApiKeyPickerModal
        opened={adding}
        onClose={() => setAdding(false)}
        title={`Grant ${s.name} to API keys`}
        confirmLabel="Grant MCP Access"
        excludeIds={new Set((all.data?.items ?? []).map((k) => k.id))}
        onConfirm={async (ids) => {
          await api.grantMcpServerApiKeys(orgId, s.id, ids);
          await refresh();
          notifications.show({ color: 'teal', message: `${ids.length} key${ids.length === 1 ? '' : 's'} can now use ${s.name}` });
        }}
      />
      <ConfirmDialog
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title="Remove access?"
        message={<>Key <b>{removing?.name ?? removing?.maskedKey}</b> will be refused (mcp_not_allowed) on {s.name}.</>}
        confirmLabel="Remove access"
        onConfirm={async () => { await api.removeMcpAccess(orgId, removing!.id, s.id); await refresh(); }}
      />
    </Card>
  );
}
