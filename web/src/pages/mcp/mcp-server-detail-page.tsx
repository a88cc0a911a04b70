// An MCP server: configuration, tool rules, and the API keys granted to it.
import { Badge, Card, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api } from '../../api/endpoints.ts';
import type { McpServer } from '../../api/types.ts';
import { Mono } from '../../components/badges.tsx';
import { DeleteRecordDialog } from '../../components/confirm-dialog.tsx';
import { DetailHeader, EditDeleteActions } from '../../components/detail-header.tsx';
import { DetailList } from '../../components/detail-list.tsx';
import { GrantedKeysCard } from '../../components/granted-keys-card.tsx';
import { RecordPage } from '../../components/query-state.tsx';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { formatDateTime } from '../../lib/format.ts';
import { mcpKey, McpServerFormModal } from './mcp-server-form-modal.tsx';
import { EnabledSwitch, TRANSPORT_LABEL } from './mcp-servers-page.tsx';
import { targetOf } from './mcp-stdio.ts';
import { McpConnectionCard } from './mcp-connection-card.tsx';

const SECTION = { label: 'MCP Servers', path: 'mcp-servers' };

export function McpServerDetailPage() {
  return <RecordPage param="serverId" what="MCP server" queryKey={(o, id) => [...mcpKey(o), id]} fetch={api.getMcpServer}>{(s) => <McpServerDetail server={s} />}</RecordPage>;
}

function ToolList({ tools, empty, color }: { tools: string[]; empty: string; color: string }) {
  if (!tools.length) return <Text size="sm" c="dimmed">{empty}</Text>;
  return <Group gap={4}>{tools.map((t) => <Badge key={t} variant="light" color={color} radius="sm" tt="none" ff="monospace">{t}</Badge>)}</Group>;
}

function McpServerDetail({ server: s }: { server: McpServer }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const [dialog, setDialog] = useState<'edit' | 'delete' | null>(null);
  const auth = s.authType === 'NONE' ? 'None' : `${s.authType}${s.hasAuthSecret ? ' · secret stored' : ' · no secret'}`;

  return (
    <>
      <DetailHeader
        section={SECTION}
        title={s.name}
        badges={<Badge variant="light" color="gray" radius="sm">{TRANSPORT_LABEL[s.transport]}</Badge>}
        description={s.description || undefined}
        actions={canMutate && <EditDeleteActions onEdit={() => setDialog('edit')} onDelete={() => setDialog('delete')} />}
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Card withBorder radius="md" padding="lg">
            <Group justify="space-between" mb="sm"><Title order={4}>Configuration</Title><EnabledSwitch server={s} /></Group>
            <DetailList
              items={[
                ['Gateway path', <Mono>/v1/mcp/{s.slug}</Mono>],
                [s.transport === 'STDIO' ? 'Command' : 'Endpoint', <Mono wrap>{targetOf(s)}</Mono>],
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
          <Stack gap="lg">
            <McpConnectionCard server={s} />
            <ServerKeysCard server={s} />
          </Stack>
        </Grid.Col>
      </Grid>
      <McpServerFormModal opened={dialog === 'edit'} onClose={() => setDialog(null)} server={s} />
      <DeleteRecordDialog
        opened={dialog === 'delete'}
        onClose={() => setDialog(null)}
        title={`Delete ${s.name}?`}
        message="Keys lose access to it and its stored credentials are destroyed. Clients get mcp_not_found."
        confirmLabel="Delete server"
        remove={() => api.deleteMcpServer(orgId, s.id)}
        invalidate={mcpKey(orgId)}
        done={`${s.name} deleted`}
        section={SECTION}
      />
    </>
  );
}

function ServerKeysCard({ server: s }: { server: McpServer }) {
  const orgId = useOrgId();
  return (
    <GrantedKeysCard
      name={s.name}
      queryKey={[...mcpKey(orgId), s.id, 'api-keys']}
      description={<>Only these keys may use {s.name}. Model access never implies MCP access.</>}
      verb={`use ${s.name}`}
      refusal={<>(mcp_not_allowed) on {s.name}</>}
      grantLabel="Grant MCP Access"
      empty={{ title: 'No key can use this server yet', description: 'Grant it to keys with Batch Add.' }}
      keyTab="mcp-access"
      fetchPage={(q) => api.listMcpServerApiKeys(orgId, s.id, q)}
      grant={(ids) => api.grantMcpServerApiKeys(orgId, s.id, ids)}
      remove={(keyId) => api.removeMcpAccess(orgId, keyId, s.id)}
    />
  );
}
