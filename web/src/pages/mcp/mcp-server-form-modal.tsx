// Add / edit an MCP server: transport decides endpoint vs STDIO command (a name from the
// deployment's allowlist, never a command line); the auth type decides which (write-only)
// credential fields appear. Secrets are never read back, only "set" or "not set".
import { Alert, Button, Group, PasswordInput, SegmentedControl, Select, SimpleGrid, Switch, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { api, type McpServerInput } from '../../api/endpoints.ts';
import type { McpAuthType, McpTransport } from '../../api/types.ts';
import { FormModal } from '../../components/form-modal.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { useOrgId } from '../../hooks/use-session.ts';
import { useStdioCommands, type McpServerView } from './mcp-stdio.ts';
import { useDiscoveredTools, useTestConnection } from './mcp-connection-card.tsx';

export const mcpKey = (orgId: string) => ['org', orgId, 'mcp-servers'] as const;

const slugify = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);

function initialValues(s?: McpServerView) {
  return {
    name: s?.name ?? '',
    slug: s?.slug ?? '',
    description: s?.description ?? '',
    transport: (s?.transport ?? 'STREAMABLE_HTTP') as McpTransport,
    endpointUrl: s?.endpointUrl ?? '',
    stdioCommand: s?.stdioCommand ?? '',
    authType: (s?.authType ?? 'NONE') as McpAuthType,
    username: s?.authConfig?.username ?? '',
    tokenUrl: s?.authConfig?.tokenUrl ?? '',
    clientId: s?.authConfig?.clientId ?? '',
    scope: s?.authConfig?.scope ?? '',
    audience: s?.authConfig?.audience ?? '',
    authSecret: '',
    enabled: s?.enabled ?? true,
    allowedTools: s?.allowedTools ?? [],
    blockedTools: s?.blockedTools ?? [],
  };
}

const FIELD_MAP = {
  'authConfig.username': 'username', 'authConfig.tokenUrl': 'tokenUrl', 'authConfig.clientId': 'clientId',
  'authConfig.scope': 'scope', 'authConfig.audience': 'audience',
} as const;

export function McpServerFormModal({ opened, onClose, server }: { opened: boolean; onClose: () => void; server?: McpServerView }) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const form = useFormState(initialValues(server));
  const v = form.values;
  const editing = !!server;
  const stdio = useStdioCommands(opened && v.transport === 'STDIO');
  const legacyCommand = server?.transport === 'STDIO' && !server.stdioCommand && server.command;
  useResetOnOpen(form, opened, () => initialValues(server));

  const save = useMutation({
    mutationFn: async () => {
      const authConfig: Record<string, string> = {};
      if (v.authType === 'BASIC' && v.username) authConfig.username = v.username;
      if (v.authType === 'OAUTH2') {
        for (const k of ['tokenUrl', 'clientId', 'scope', 'audience'] as const) if (v[k]) authConfig[k] = v[k];
      }
      // Only the destination of the chosen transport is sent (changing one is for admins).
      const body: McpServerInput & { stdioCommand?: string | null } = {
        name: v.name.trim(), slug: v.slug.trim(), description: v.description.trim() || null, transport: v.transport,
        authType: v.authType, authConfig, enabled: v.enabled, allowedTools: v.allowedTools, blockedTools: v.blockedTools,
      };
      if (v.transport === 'STDIO') body.stdioCommand = v.stdioCommand || null;
      else body.endpointUrl = v.endpointUrl.trim();
      if (v.authType === 'NONE') { if (server?.hasAuthSecret) body.authSecret = null; }
      else if (v.authSecret) body.authSecret = v.authSecret;
      return editing ? api.updateMcpServer(orgId, server.id, body) : api.createMcpServer(orgId, body);
    },
    onSuccess: async (s) => {
      await qc.invalidateQueries({ queryKey: mcpKey(orgId) });
      notifications.show({ color: 'teal', message: editing ? `${s.name} saved` : `MCP server ${s.name} added` });
      onClose();
      if (!editing) navigate(`/orgs/${orgId}/mcp-servers/${s.id}`);
    },
    onError: (err) => form.showApiError(err, FIELD_MAP),
  });

  const secretLabel = v.authType === 'BEARER' ? 'Bearer token' : v.authType === 'BASIC' ? 'Password' : 'Client secret';
  const secretHint = server?.hasAuthSecret && server.authType === v.authType ? 'A secret is stored. Leave empty to keep it.' : 'Stored encrypted; never shown again.';

  return (
    <FormModal opened={opened} onClose={onClose} title={editing ? `Edit ${server.name}` : 'Add MCP Server'} size="lg" onSubmit={() => save.mutate()} submitLabel={editing ? 'Save changes' : 'Add MCP Server'} busy={save.isPending}>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Name" required value={v.name} data-autofocus error={form.errors.name}
          onChange={(e) => { const n = e.currentTarget.value; form.set('name', n); if (!editing && (!v.slug || v.slug === slugify(v.name))) form.set('slug', slugify(n)); }} />
        <TextInput label="Slug" required description={`Gateway path: /v1/mcp/${v.slug || '…'}`} value={v.slug} onChange={(e) => form.set('slug', e.currentTarget.value)} error={form.errors.slug}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} />
      </SimpleGrid>
      <Textarea label="Description" autosize minRows={1} maxRows={4} value={v.description} onChange={(e) => form.set('description', e.currentTarget.value)} error={form.errors.description} />
      <div>
        <Text size="sm" fw={500} mb={4} id="mcp-transport-label">Transport</Text>
        <SegmentedControl fullWidth role="radiogroup" aria-labelledby="mcp-transport-label" value={v.transport} onChange={(t) => form.set('transport', t as McpTransport)}
          data={[{ value: 'STREAMABLE_HTTP', label: 'Streamable HTTP' }, { value: 'SSE', label: 'SSE' }, { value: 'STDIO', label: 'STDIO' }]} />
        {form.errors.transport && <Text c="red" size="xs">{form.errors.transport}</Text>}
      </div>
      {v.transport === 'STDIO' ? (
        <>
          {stdio.data && !stdio.data.configured && (
            <Alert color="yellow" variant="light">STDIO servers are disabled on this gateway: the deployment lists no commands (ODOCK_MCP_STDIO_ALLOWLIST).</Alert>
          )}
          {legacyCommand && (
            <Alert color="yellow" variant="light">This server has a command line stored before the allowlist existed; Odock never starts it. Choose a command.</Alert>
          )}
          <Select label="Command" required description="Commands are defined by the deployment; pick one by name." placeholder="Choose a command"
            data={(stdio.data?.items ?? []).map((c) => c.name)} value={v.stdioCommand || null} onChange={(c) => form.set('stdioCommand', c ?? '')}
            error={form.errors.stdioCommand} disabled={stdio.data ? !stdio.data.configured : false} />
        </>
      ) : (
        <TextInput label="Endpoint URL" required placeholder="https://mcp.example.com/mcp" value={v.endpointUrl} onChange={(e) => form.set('endpointUrl', e.currentTarget.value)} error={form.errors.endpointUrl}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} />
      )}
      <Select label="Upstream authentication" data={[{ value: 'NONE', label: 'None' }, { value: 'BEARER', label: 'Bearer token' }, { value: 'BASIC', label: 'Basic (username and password)' }, { value: 'OAUTH2', label: 'OAuth2 client credentials' }]}
        value={v.authType} onChange={(t) => form.set('authType', (t ?? 'NONE') as McpAuthType)} allowDeselect={false} error={form.errors.authType} />
      {v.authType === 'BASIC' && <TextInput label="Username" required value={v.username} onChange={(e) => form.set('username', e.currentTarget.value)} error={form.errors.username} />}
      {v.authType === 'OAUTH2' && (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Token URL" required value={v.tokenUrl} onChange={(e) => form.set('tokenUrl', e.currentTarget.value)} error={form.errors.tokenUrl} />
          <TextInput label="Client ID" required value={v.clientId} onChange={(e) => form.set('clientId', e.currentTarget.value)} error={form.errors.clientId} />
          <TextInput label="Scope" value={v.scope} onChange={(e) => form.set('scope', e.currentTarget.value)} error={form.errors.scope} />
          <TextInput label="Audience" value={v.audience} onChange={(e) => form.set('audience', e.currentTarget.value)} error={form.errors.audience} />
        </SimpleGrid>
      )}
      {v.authType !== 'NONE' && (
        <PasswordInput label={secretLabel} description={secretHint} autoComplete="off" value={v.authSecret} onChange={(e) => form.set('authSecret', e.currentTarget.value)} error={form.errors.authSecret} />
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <ToolPicker server={server} opened={opened} allowed={v.allowedTools} blocked={v.blockedTools} onAllowed={(t) => form.set('allowedTools', t)} onBlocked={(t) => form.set('blockedTools', t)} errors={form.errors} />
      </SimpleGrid>
      <Switch label="Enabled" checked={v.enabled} onChange={(e) => form.set('enabled', e.currentTarget.checked)} />
      {form.errors._form && <Alert color="red" variant="light">{form.errors._form}</Alert>}
    </FormModal>
  );
}

/**
 * Allowed and blocked tools: picked from what the server itself lists (after "Load tools", or a
 * test on the server's page), typed freely otherwise (a tool the server will add later).
 */
function ToolPicker(p: {
  server?: McpServerView; opened: boolean; allowed: string[]; blocked: string[];
  onAllowed: (t: string[]) => void; onBlocked: (t: string[]) => void; errors: Partial<Record<string, string>>;
}) {
  const orgId = useOrgId();
  const test = useTestConnection(p.server?.id ?? '');
  const result = useDiscoveredTools(orgId, p.server?.id);
  const discovered = result?.ok ? result.tools.map((t) => t.name) : [];
  const hint = discovered.length ? `Pick from the ${discovered.length} tools the server lists, or type a name.` : 'Type tool names, or load them from the server.';
  return (
    <>
      {p.server && (
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm" c={result && !result.ok ? 'red' : 'dimmed'}>{result && !result.ok ? `Could not list tools: ${result.error.message}` : hint}</Text>
          <Button size="xs" variant="light" loading={test.isPending} onClick={() => test.mutate()}>Load tools</Button>
        </Group>
      )}
      <TagsInput label="Allowed tools" description="If set, only these tools are exposed." data={discovered.filter((t) => !p.blocked.includes(t))} value={p.allowed} onChange={p.onAllowed} error={p.errors.allowedTools} comboboxProps={{ withinPortal: true }} />
      <TagsInput label="Blocked tools" description="Never exposed, never callable." data={discovered.filter((t) => !p.allowed.includes(t))} value={p.blocked} onChange={p.onBlocked} error={p.errors.blockedTools} comboboxProps={{ withinPortal: true }} />
    </>
  );
}
