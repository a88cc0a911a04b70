// An API key: tabs Details (Reveal API Key card, details, policies), Model Access, MCP Access,
// Rotation History; actions Rotate, Revoke / Unrevoke (confirmed), rename and delete.
import { Alert, Badge, Button, Grid, Group, Menu, Stack, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBan, IconCircleCheck, IconCpu, IconDots, IconHistory, IconInfoCircle, IconKey, IconPlugConnected, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api/endpoints.ts';
import type { ApiKey } from '../../api/types.ts';
import { isExpired, KeyStatusBadge, KeyTypeBadge, Mono } from '../../components/badges.tsx';
import { ConfirmDialog, DeleteRecordDialog } from '../../components/confirm-dialog.tsx';
import { DetailHeader } from '../../components/detail-header.tsx';
import { PoliciesCard } from '../../components/policies-card.tsx';
import { PolicyDryRunCard } from './policy-dry-run-card.tsx';
import { RecordPage } from '../../components/query-state.tsx';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { formatPrice, PROVIDER_LABEL } from '../../lib/format.ts';
import { modelsKey, useActiveProviders } from '../models/model-queries.ts';
import { AccessTab } from './access-tab.tsx';
import { apiKeyKey, apiKeysKey } from './api-key-queries.ts';
import { KeyDetailsCard } from './key-details-card.tsx';
import { RevealCard } from './reveal-card.tsx';
import { RotateModal } from './rotate-modal.tsx';
import { RotationHistory } from './rotation-history.tsx';
import { OwnerLimits } from '../budgets/limit-tables.tsx';

export function ApiKeyDetailPage() {
  return <RecordPage param="keyId" what="API key" queryKey={(o, id) => apiKeyKey(o, id)} fetch={api.getApiKey}>{(k) => <ApiKeyDetail apiKey={k} />}</RecordPage>;
}

const SECTION = { label: 'API Keys', path: 'api-keys' };
// Revoke and Unrevoke: the same confirmed call, in opposite directions.
const STATE_CHANGES = {
  revoke: {
    title: 'Revoke this API key?',
    message: 'Applications using this key are refused from the moment this returns. You can unrevoke it later; its secret does not change.',
    confirmLabel: 'Revoke',
    color: undefined,
    call: api.revokeApiKey,
  },
  unrevoke: {
    title: 'Unrevoke this API key?',
    message: 'The key works again with its current secret, grants and policies.',
    confirmLabel: 'Unrevoke',
    color: 'teal',
    call: api.unrevokeApiKey,
  },
};
const TABS = ['details', 'model-access', 'mcp-access', 'rotations'] as const;

function ApiKeyDetail({ apiKey: k }: { apiKey: ApiKey }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? params.get('tab')! : 'details';
  // The revealed secret lives only in memory on this page; a reload shows the masked value.
  const [secret, setSecret] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'rotate' | 'revoke' | 'unrevoke' | 'delete' | null>(null);
  const { byId } = useActiveProviders(orgId);
  const key = apiKeyKey(orgId, k.id);
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: apiKeysKey(orgId) });
  };

  return (
    <>
      <DetailHeader
        section={SECTION}
        title={k.name ?? 'Unnamed key'}
        badges={<><KeyTypeBadge type={k.type} /><KeyStatusBadge apiKey={k} /></>}
        description={<Group gap={6} component="span"><Mono>{k.maskedKey}</Mono></Group>}
        actions={canMutate && (
          <>
            <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={() => setDialog('rotate')} disabled={k.revoked} title={k.revoked ? 'Unrevoke the key before rotating it' : undefined}>
              Rotate
            </Button>
            {k.revoked ? (
              <Button variant="light" color="teal" leftSection={<IconCircleCheck size={16} />} onClick={() => setDialog('unrevoke')}>Unrevoke</Button>
            ) : (
              <Button variant="light" color="red" leftSection={<IconBan size={16} />} onClick={() => setDialog('revoke')}>Revoke</Button>
            )}
            <Menu position="bottom-end">
              <Menu.Target><Button variant="default" px="xs" aria-label="More actions"><IconDots size={18} /></Button></Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconTrash size={16} />} color="red" onClick={() => setDialog('delete')}>Delete key</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </>
        )}
      />
      {k.revoked && (
        <Alert color="red" variant="light" icon={<IconBan size={18} />} mb="md" title="This key is revoked">
          The gateway refuses it with api_key_revoked. Unrevoke it to let it work again.
        </Alert>
      )}
      {!k.revoked && isExpired(k) && (
        <Alert color="orange" variant="light" icon={<IconInfoCircle size={18} />} mb="md" title="This key has expired">
          Rotate it with a new expiry to issue a working secret.
        </Alert>
      )}
      <Tabs value={tab} onChange={(t) => setParams(t && t !== 'details' ? { tab: t } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="details" leftSection={<IconKey size={16} />}>Details</Tabs.Tab>
          <Tabs.Tab value="model-access" leftSection={<IconCpu size={16} />}>Model Access</Tabs.Tab>
          <Tabs.Tab value="mcp-access" leftSection={<IconPlugConnected size={16} />}>MCP Access</Tabs.Tab>
          <Tabs.Tab value="rotations" leftSection={<IconHistory size={16} />}>Rotation History</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="details">
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <RevealCard apiKey={k} secret={secret} onRevealed={(s) => { setSecret(s); void qc.invalidateQueries({ queryKey: key }); void refresh(); }} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <KeyDetailsCard apiKey={k} />
            </Grid.Col>
            <Grid.Col span={12}>
              <PoliciesCard scope="key" policies={k.policies} canEdit={canMutate} onSave={async (policies) => qc.setQueryData(key, await api.updateApiKey(orgId, k.id, { policies }))} />
            </Grid.Col>
            <Grid.Col span={12}>
              <PolicyDryRunCard apiKey={k} />
            </Grid.Col>
            <Grid.Col span={12}>
              <Stack gap="lg"><OwnerLimits owner={{ type: 'API_KEY', id: k.id }} /></Stack>
            </Grid.Col>
          </Grid>
        </Tabs.Panel>
        <Tabs.Panel value="model-access">
          <AccessTab
            noun="model"
            queryKey={[...key, 'model-access']}
            candidatesKey={[...modelsKey(orgId), 'all']}
            fetchGranted={(q) => api.listModelAccess(orgId, k.id, q)}
            fetchCandidates={(q) => api.listModels(orgId, q)}
            grant={(ids) => api.grantModelAccess(orgId, k.id, ids)}
            remove={(id) => api.removeModelAccess(orgId, k.id, id)}
            grantLabel="Grant Model Access"
            search={(m) => `${m.name} ${m.slug}`}
            filter={{
              label: 'Provider',
              options: [...byId.values()].map((p) => ({ value: p.id, label: p.name || PROVIDER_LABEL[p.type] || p.type })),
              get: (m) => m.providerId,
            }}
            empty={{ icon: <IconCpu size={22} />, title: 'No model access yet', description: 'This key cannot call any model. Use Batch Add to grant the models it needs.' }}
            columns={[
              { key: 'name', header: 'Model', render: (m) => <Text size="sm" fw={600}>{m.name}</Text> },
              { key: 'provider', header: 'Provider', render: (m) => { const p = byId.get(m.providerId); return <Text size="sm">{p ? p.name || PROVIDER_LABEL[p.type] : '—'}</Text>; } },
              { key: 'slug', header: 'Upstream slug', render: (m) => <Text size="sm" ff="monospace">{m.slug}</Text> },
              { key: 'type', header: 'Type', render: (m) => <Badge variant="light" color="gray" radius="sm">{m.type}</Badge> },
              { key: 'price', header: 'In / Out per 1M', render: (m) => <Text size="sm">{formatPrice(m.pricing?.inputPerMTok)} / {formatPrice(m.pricing?.outputPerMTok)}</Text> },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="mcp-access">
          <AccessTab
            noun="MCP server"
            queryKey={[...key, 'mcp-access']}
            candidatesKey={['org', orgId, 'mcp-servers', 'all']}
            fetchGranted={(q) => api.listMcpAccess(orgId, k.id, q)}
            fetchCandidates={(q) => api.listMcpServers(orgId, q)}
            grant={(ids) => api.grantMcpAccess(orgId, k.id, ids)}
            remove={(id) => api.removeMcpAccess(orgId, k.id, id)}
            grantLabel="Grant MCP Access"
            search={(s) => `${s.name} ${s.slug} ${s.description ?? ''}`}
            filter={{ label: 'Transport', options: [{ value: 'STREAMABLE_HTTP', label: 'Streamable HTTP' }, { value: 'SSE', label: 'SSE' }, { value: 'STDIO', label: 'STDIO' }], get: (s) => s.transport }}
            empty={{ icon: <IconPlugConnected size={22} />, title: 'No MCP access yet', description: 'Model access never implies MCP access. Use Batch Add to grant MCP servers to this key.' }}
            columns={[
              { key: 'name', header: 'Server', render: (s) => <div><Text size="sm" fw={600}>{s.name}</Text><Text size="xs" c="dimmed" ff="monospace">/v1/mcp/{s.slug}</Text></div> },
              { key: 'transport', header: 'Transport', render: (s) => <Badge variant="light" color="gray" radius="sm">{s.transport}</Badge> },
              { key: 'enabled', header: 'Status', render: (s) => (s.enabled ? <Badge variant="dot" color="teal">Enabled</Badge> : <Badge variant="dot" color="gray">Disabled</Badge>) },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="rotations">
          <RotationHistory apiKey={k} />
        </Tabs.Panel>
      </Tabs>

      <RotateModal
        apiKey={k}
        opened={dialog === 'rotate'}
        onClose={() => setDialog(null)}
        onRotated={async (r) => {
          // Some servers answer the new secret directly; otherwise it is revealed once, like a new key.
          setSecret(r.key ?? null);
          qc.setQueryData(key, r);
          await qc.invalidateQueries({ queryKey: [...key, 'rotations'] });
          await refresh();
          setParams({}, { replace: true });
          notifications.show({ color: 'teal', title: 'Key rotated', message: r.key ? 'Copy the new key now: it is shown only once.' : 'Reveal the new key once from the Reveal API Key card.' });
        }}
      />
      {(['revoke', 'unrevoke'] as const).map((change) => (
        <ConfirmDialog
          key={change}
          {...STATE_CHANGES[change]}
          opened={dialog === change}
          onClose={() => setDialog(null)}
          onConfirm={async () => { qc.setQueryData(key, await STATE_CHANGES[change].call(orgId, k.id)); await refresh(); }}
        />
      ))}
      <DeleteRecordDialog
        opened={dialog === 'delete'}
        onClose={() => setDialog(null)}
        title="Delete this API key?"
        message="The key, its grants and its rotation history are deleted. Applications using it are refused. This cannot be undone."
        confirmLabel="Delete key"
        remove={() => api.deleteApiKey(orgId, k.id)}
        invalidate={apiKeysKey(orgId)}
        done="API key deleted"
        section={SECTION}
      />
    </>
  );
}

