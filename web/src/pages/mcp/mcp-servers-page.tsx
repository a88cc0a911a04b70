// MCP Servers: list, add, enable/disable in place.
import { Badge, Button, Group, Switch, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLock, IconPlugConnected, IconPlus } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { errorMessage } from '../../api/client.ts';
import { api } from '../../api/endpoints.ts';
import type { McpServer } from '../../api/types.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { ReadOnlyNotice } from '../../components/read-only-notice.tsx';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { mcpKey, McpServerFormModal } from './mcp-server-form-modal.tsx';
import { targetOf } from './mcp-stdio.ts';

export const TRANSPORT_LABEL = { STREAMABLE_HTTP: 'Streamable HTTP', SSE: 'SSE', STDIO: 'STDIO' } as const;

export function EnabledSwitch({ server }: { server: McpServer }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const toggle = async (enabled: boolean) => {
    setBusy(true);
    try {
      await api.updateMcpServer(orgId, server.id, { enabled });
      await qc.invalidateQueries({ queryKey: mcpKey(orgId) });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not change the server', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Switch
      aria-label={`${server.name} enabled`}
      checked={server.enabled}
      disabled={!canMutate || busy}
      onChange={(e) => void toggle(e.currentTarget.checked)}
      onClick={(e) => e.stopPropagation()}
      label={server.enabled ? 'Enabled' : 'Disabled'}
      size="sm"
    />
  );
}

export function McpServersPage() {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const navigate = useNavigate();
  const paged = usePagedQuery(mcpKey(orgId), (q) => api.listMcpServers(orgId, q));
  const [adding, setAdding] = useState(false);

  return (
    <>
      <PageHeader
        title="MCP Servers"
        description="Model Context Protocol servers your keys can reach through /v1/mcp/{slug}. Odock holds their credentials and enforces allowed and blocked tools."
        actions={<Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)} disabled={!canMutate}>Add MCP Server</Button>}
      />
      <ReadOnlyNotice />
      <PagedTable
        label="MCP servers"
        paged={paged}
        onRowClick={(s) => navigate(`/orgs/${orgId}/mcp-servers/${s.id}`)}
        minWidth={860}
        empty={{
          icon: <IconPlugConnected size={22} />, title: 'No MCP servers yet',
          description: 'Add a streamable HTTP, SSE or stdio MCP server, then grant it to API keys.',
          action: canMutate && <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>Add MCP Server</Button>,
        }}
        columns={[
          {
            key: 'name', header: 'Server',
            render: (s) => (
              <div>
                <Text component={Link} to={`/orgs/${orgId}/mcp-servers/${s.id}`} size="sm" fw={600} c="indigo.7" onClick={(e) => e.stopPropagation()}>{s.name}</Text>
                <Text size="xs" c="dimmed" ff="monospace">/v1/mcp/{s.slug}</Text>
              </div>
            ),
          },
          { key: 'transport', header: 'Transport', render: (s) => <Badge variant="light" color="gray" radius="sm">{TRANSPORT_LABEL[s.transport]}</Badge> },
          {
            key: 'target', header: 'Endpoint / command',
            render: (s) => <Tooltip label={targetOf(s)}><Text size="sm" ff="monospace" truncate="end" maw={260}>{targetOf(s)}</Text></Tooltip>,
          },
          {
            key: 'auth', header: 'Auth',
            render: (s) => s.authType === 'NONE' ? <Text size="sm" c="dimmed">None</Text> : <Group gap={4}><IconLock size={14} /><Text size="sm">{s.authType}</Text></Group>,
          },
          {
            key: 'tools', header: 'Tool rules',
            render: (s) => (
              <Text size="sm" c={s.allowedTools.length || s.blockedTools.length ? undefined : 'dimmed'}>
                {s.allowedTools.length ? `${s.allowedTools.length} allowed` : 'All allowed'}{s.blockedTools.length ? ` · ${s.blockedTools.length} blocked` : ''}
              </Text>
            ),
          },
          { key: 'enabled', header: 'Status', render: (s) => <EnabledSwitch server={s} /> },
        ]}
      />
      <McpServerFormModal opened={adding} onClose={() => setAdding(false)} />
    </>
  );
}
