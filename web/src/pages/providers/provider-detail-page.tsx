// Provider detail: settings (base URL, timeout, enabled), the Add Provider Key card
// (Name, Key, Create key) and the key list with previews only (seed: "Add a Provider Key").
import { Badge, Button, Card, Grid, Group, NumberInput, PasswordInput, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey, IconLock, IconPlugConnectedX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { api } from '../../api/endpoints.ts';
import { tryOut } from '../../api/try-out.ts';
import type { Provider, ProviderKey } from '../../api/types.ts';
import { ConfirmDialog, DeleteRecordDialog } from '../../components/confirm-dialog.tsx';
import { DetailHeader } from '../../components/detail-header.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { RecordPage } from '../../components/query-state.tsx';
import { TableCard } from '../../components/table-card.tsx';
import { useFormState } from '../../hooks/use-form-state.ts';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { formatDateTime, PROVIDER_LABEL } from '../../lib/format.ts';
import { ProviderMark } from './provider-mark.tsx';
import { providersKey } from './providers-page.tsx';

export function providerKeysKey(orgId: string, providerId: string) {
  return ['org', orgId, 'providers', providerId, 'keys'] as const;
}

const SECTION = { label: 'Providers', path: 'providers' };

export function ProviderDetailPage() {
  return <RecordPage param="providerId" what="provider" queryKey={(o, id) => ['org', o, 'providers', id]} fetch={api.getProvider}>{(p) => <ProviderDetail provider={p} />}</RecordPage>;
}

function ProviderDetail({ provider }: { provider: Provider }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const label = PROVIDER_LABEL[provider.type] ?? provider.type;

  return (
    <>
      <DetailHeader
        section={SECTION}
        title={<Group gap="sm" component="span"><ProviderMark type={provider.type} size={34} />{provider.name || label}</Group>}
        badges={provider.enabled ? <Badge color="teal" variant="light">Enabled</Badge> : <Badge color="gray" variant="light">Disabled</Badge>}
        description={`${label} provider. Requests for this organisation's ${label} models are forwarded to the base URL below with one of its provider keys.`}
        actions={canMutate && (
          <Button variant="default" color="red" leftSection={<IconPlugConnectedX size={16} />} onClick={() => setConfirmDelete(true)}>Deactivate</Button>
        )}
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="lg">
            <ProviderSettingsCard provider={provider} />
            <ProviderKeysCard provider={provider} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <AddProviderKeyCard provider={provider} />
        </Grid.Col>
      </Grid>
      <DeleteRecordDialog
        opened={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title={`Deactivate ${label}?`}
        message="This deletes the provider and its encrypted keys. Models that use it stop working until the provider is activated and configured again."
        confirmLabel="Deactivate provider"
        remove={() => api.deleteProvider(orgId, provider.id)}
        invalidate={providersKey(orgId)}
        section={SECTION}
      />
    </>
  );
}

function ProviderSettingsCard({ provider }: { provider: Provider }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const initial = { name: provider.name, baseUrl: provider.baseUrl, timeoutMs: provider.timeoutMs, enabled: provider.enabled };
  const form = useFormState(initial);
  useEffect(() => form.setValues(initial), [provider]); // eslint-disable-line react-hooks/exhaustive-deps
  const dirty = JSON.stringify(form.values) !== JSON.stringify(initial);

  const save = useMutation({
    mutationFn: () => api.updateProvider(orgId, provider.id, form.values),
    onSuccess: async (p) => {
      qc.setQueryData(['org', orgId, 'providers', provider.id], p);
      await qc.invalidateQueries({ queryKey: providersKey(orgId) });
      notifications.show({ color: 'teal', message: 'Provider settings saved' });
    },
    onError: (err) => form.showApiError(err),
  });

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label="Provider settings">
      <form onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
        <Stack>
          <div>
            <Title order={4}>Settings</Title>
            <Text size="sm" c="dimmed">Where and how Odock calls this provider.</Text>
          </div>
          <TextInput label="Name" value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} readOnly={!canMutate} />
          <TextInput
            label="Base URL"
            description="The upstream API root, for example https://api.openai.com/v1"
            value={form.values.baseUrl}
            onChange={(e) => form.set('baseUrl', e.currentTarget.value)}
            error={form.errors.baseUrl}
            readOnly={!canMutate}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          />
          <NumberInput
            label="Timeout (ms)"
            description="How long to wait for the upstream before answering 504."
            value={form.values.timeoutMs}
            onChange={(v) => form.set('timeoutMs', typeof v === 'number' ? v : Number(v) || 0)}
            min={1}
            step={1000}
            thousandSeparator=","
            error={form.errors.timeoutMs}
            readOnly={!canMutate}
          />
          <Switch
            label="Enabled"
            description="A disabled provider refuses requests with provider_disabled."
            checked={form.values.enabled}
            onChange={(e) => form.set('enabled', e.currentTarget.checked)}
            disabled={!canMutate}
            error={form.errors.enabled}
          />
          {form.errors._form && <Text c="red" size="sm">{form.errors._form}</Text>}
          {canMutate && (
            <Group justify="flex-end">
              <Button variant="default" disabled={!dirty} onClick={() => { form.setValues(initial); form.clearErrors(); }}>Reset</Button>
              <Button type="submit" loading={save.isPending} disabled={!dirty}>Save changes</Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}

function AddProviderKeyCard({ provider }: { provider: Provider }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const form = useFormState({ name: '', key: '' });
  const create = useMutation({
    mutationFn: () => api.createProviderKey(orgId, provider.id, { name: form.values.name.trim(), key: form.values.key.trim() }),
    onSuccess: async (k) => {
      form.setValues({ name: '', key: '' });
      await qc.invalidateQueries({ queryKey: providerKeysKey(orgId, provider.id) });
      notifications.show({ color: 'teal', title: 'Provider key stored', message: `${k.name} (…${k.keyPreview}) is encrypted in the vault.` });
    },
    onError: (err) => form.showApiError(err),
  });

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="add-provider-key-title">
      <form onSubmit={(e) => { e.preventDefault(); create.mutate(); }} noValidate>
        <Stack>
          <Group gap="sm" wrap="nowrap">
            <IconKey size={22} color="var(--mantine-color-indigo-6)" />
            <Title order={4} id="add-provider-key-title">Add Provider Key</Title>
          </Group>
          <Text size="sm" c="dimmed">
            The upstream secret from your {PROVIDER_LABEL[provider.type] ?? provider.type} account. Odock encrypts it before storing it and never shows it again.
          </Text>
          <TextInput label="Name" placeholder="Primary" required value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} disabled={!canMutate} />
          <PasswordInput
            label="Key"
            placeholder="sk-…"
            required
            autoComplete="off"
            value={form.values.key}
            onChange={(e) => form.set('key', e.currentTarget.value)}
            error={form.errors.key}
            disabled={!canMutate}
          />
          {form.errors._form && <Text c="red" size="sm">{form.errors._form}</Text>}
          <Group justify="space-between">
            <Group gap={6}><IconLock size={14} color="var(--mantine-color-gray-6)" /><Text size="xs" c="dimmed">AES-256-GCM at rest</Text></Group>
            <Button type="submit" loading={create.isPending} disabled={!canMutate}>Create key</Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function ProviderKeysCard({ provider }: { provider: Provider }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const paged = usePagedQuery(providerKeysKey(orgId, provider.id), (q) => api.listProviderKeys(orgId, provider.id, q));
  const [action, setAction] = useState<{ kind: 'revoke' | 'delete'; key: ProviderKey } | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: providerKeysKey(orgId, provider.id) });

  return (
    <TableCard component="section" aria-label="Provider keys" title="Provider keys" description="Only the name and the last four characters are ever shown.">
      <PagedTable
        label="Provider keys"
        withBorder={false}
        minWidth={480}
        paged={paged}
        empty={{ icon: <IconKey size={22} />, title: 'No provider keys yet', description: 'Add one with the Add Provider Key card to start routing requests.' }}
        columns={[
          { key: 'name', header: 'Name', render: (k) => <Text size="sm" fw={500}>{k.name}</Text> },
          { key: 'preview', header: 'Key', render: (k) => <Text size="sm" ff="monospace">••••{k.keyPreview}</Text> },
          { key: 'status', header: 'Status', render: (k) => (k.revoked ? <Badge color="red" variant="light">Revoked</Badge> : <Badge color="teal" variant="light">Active</Badge>) },
          { key: 'created', header: 'Created', render: (k) => <Text size="sm" c="dimmed">{formatDateTime(k.createdAt)}</Text> },
          {
            key: 'actions', header: '', align: 'right',
            render: (k) => canMutate && (
              <Group gap={4} justify="flex-end" wrap="nowrap">
                <TestKeyButton providerId={provider.id} providerKey={k} />
                {!k.revoked && <Button size="xs" variant="subtle" color="orange" onClick={() => setAction({ kind: 'revoke', key: k })}>Revoke</Button>}
                <Button size="xs" variant="subtle" color="red" onClick={() => setAction({ kind: 'delete', key: k })}>Delete</Button>
              </Group>
            ),
          },
        ]}
      />
      <ConfirmDialog
        opened={action !== null}
        onClose={() => setAction(null)}
        title={action?.kind === 'delete' ? `Delete provider key ${action?.key.name}?` : `Revoke provider key ${action?.key.name ?? ''}?`}
        message={action?.kind === 'delete'
          ? 'The encrypted secret is destroyed. Models that use this key stop working until they are pointed at another key.'
          : 'Requests for models that use this key are refused with provider_api_key_revoked until they use another key.'}
        confirmLabel={action?.kind === 'delete' ? 'Delete key' : 'Revoke key'}
        color={action?.kind === 'delete' ? 'red' : 'orange'}
        onConfirm={async () => {
          if (!action) return;
          try {
            if (action.kind === 'delete') await api.deleteProviderKey(orgId, provider.id, action.key.id);
            else await api.revokeProviderKey(orgId, provider.id, action.key.id);
          } finally {
            await refresh();
          }
        }}
      />
    </TableCard>
  );
}


/** A real, cheap call with the stored key (the upstream's model list); the answer comes back as a notification. */
function TestKeyButton({ providerId, providerKey: k }: { providerId: string; providerKey: ProviderKey }) {
  const orgId = useOrgId();
  const test = useMutation({
    mutationFn: () => tryOut.testProviderKey(orgId, providerId, k.id),
    onSuccess: (r) => notifications.show(r.ok
      ? { color: 'teal', title: `${k.name} works`, message: `The provider answered in ${r.latencyMs} ms and lists ${r.models.length} model${r.models.length === 1 ? '' : 's'}.` }
      : { color: 'red', title: `${k.name} failed the test`, message: `${r.error.message} (${r.error.code})` }),
    onError: (err) => notifications.show({ color: 'red', title: 'Could not run the test', message: errorMessage(err) }),
  });
  return <Button size="xs" variant="subtle" onClick={() => test.mutate()} loading={test.isPending}>Test</Button>;
}
