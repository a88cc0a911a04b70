// A model's deployments: where its calls can go (provider, key, slug, weight) and how each is
// doing (healthy, or cooling down after upstream failures; recent error rate). Add and remove.
import { ActionIcon, Badge, Button, NumberInput, Select, Text, TextInput, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconRoute, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Model } from '../../api/types.ts';
import type { Deployment, DeploymentHealth } from '../../api/routing-types.ts';
import { routingApi } from '../../api/routing-endpoints.ts';
import { Mono } from '../../components/badges.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { FormModal } from '../../components/form-modal.tsx';
import { TableCard } from '../../components/table-card.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { formatDateTime, PROVIDER_LABEL } from '../../lib/format.ts';
import { modelsKey, useActiveProviders, useProviderKeys } from './model-queries.ts';

export function HealthBadge({ health }: { health?: DeploymentHealth }) {
  if (!health) return null;
  const rate = health.recentRequests ? ` · ${Math.round(health.errorRate * 100)}% errors` : '';
  return health.status === 'cooling_down'
    ? <Tooltip label={`Skipped until ${formatDateTime(health.coolingDownUntil)}`}><Badge color="orange" variant="light" radius="sm">Cooling down until {formatDateTime(health.coolingDownUntil)}{rate}</Badge></Tooltip>
    : <Badge color="teal" variant="light" radius="sm">Healthy{rate}</Badge>;
}

export function DeploymentsCard({ model }: { model: Model }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const key = [...modelsKey(orgId), model.id, 'deployments'];
  const list = useQuery({ queryKey: key, queryFn: () => routingApi.listDeployments(orgId, model.id) });
  const { byId } = useActiveProviders(orgId);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Deployment | null>(null);

  return (
    <TableCard
      title="Deployments"
      aria-label="Deployments"
      component="section"
      description={<>Calls to {model.name} spread over these by weight; one that answers 429, 5xx or times out rests and is skipped. Without any, the model's own provider and key are used.</>}
      action={canMutate && <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>Add Deployment</Button>}
    >
      <DataTable<Deployment>
        label="Deployments"
        rows={list.data?.items ?? []}
        rowKey={(d) => d.id}
        loading={list.isLoading}
        error={list.error}
        onRetry={() => void list.refetch()}
        empty={{ icon: <IconRoute size={22} />, title: 'No extra deployments', description: 'Add one to spread calls over several provider keys or providers.' }}
        columns={[
          { key: 'provider', header: 'Provider', render: (d) => { const p = byId.get(d.providerId); return <Text size="sm">{p ? p.name || PROVIDER_LABEL[p.type] : '…'}</Text>; } },
          { key: 'slug', header: 'Upstream slug', render: (d) => <Mono>{d.slug}</Mono> },
          { key: 'weight', header: 'Weight', align: 'right', render: (d) => <Text size="sm">{d.weight}</Text> },
          { key: 'health', header: 'Health', render: (d) => <HealthBadge health={d.health} /> },
          ...(canMutate ? [{ key: 'actions', header: '', align: 'right' as const, render: (d: Deployment) => (
            <ActionIcon variant="subtle" color="red" aria-label={`Remove deployment ${d.slug}`} onClick={() => setRemoving(d)}><IconTrash size={16} /></ActionIcon>
          ) }] : []),
        ]}
      />
      <AddDeploymentModal model={model} opened={adding} onClose={() => setAdding(false)} onDone={() => void qc.invalidateQueries({ queryKey: key })} />
      <ConfirmDialog
        opened={!!removing}
        onClose={() => setRemoving(null)}
        title="Remove this deployment?"
        message={<>Calls to {model.name} stop going to <b>{removing?.slug}</b>.</>}
        confirmLabel="Remove deployment"
        color="red"
        onConfirm={async () => {
          await routingApi.deleteDeployment(orgId, removing!.id);
          await qc.invalidateQueries({ queryKey: key });
          notifications.show({ color: 'teal', message: 'Deployment removed' });
        }}
      />
    </TableCard>
  );
}

function AddDeploymentModal({ model, opened, onClose, onDone }: { model: Model; opened: boolean; onClose: () => void; onDone: () => void }) {
  const orgId = useOrgId();
  const { providers } = useActiveProviders(orgId);
  const initial = () => ({ providerId: model.providerId as string | null, providerApiKeyId: null as string | null, slug: model.slug, weight: 1 as number | string });
  const form = useFormState(initial());
  useResetOnOpen(form, opened, initial);
  const keys = useProviderKeys(orgId, form.values.providerId);
  const create = useMutation({
    mutationFn: () => routingApi.createDeployment(orgId, model.id, {
      providerId: form.values.providerId ?? '', providerApiKeyId: form.values.providerApiKeyId ?? '', slug: form.values.slug, weight: Number(form.values.weight),
    }),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: 'Deployment added' });
      onDone();
      onClose();
    },
    onError: (err) => form.showApiError(err),
  });
  return (
    <FormModal opened={opened} onClose={onClose} title={`Add a deployment of ${model.name}`} onSubmit={() => create.mutate()} submitLabel="Add Deployment" busy={create.isPending}>
      <Select label="Provider" data={providers.map((p) => ({ value: p.id, label: p.name || PROVIDER_LABEL[p.type] }))} value={form.values.providerId}
        onChange={(v) => { form.set('providerId', v); form.set('providerApiKeyId', null); }} error={form.errors.providerId} allowDeselect={false} />
      <Select label="Provider key" placeholder="Pick a key" data={(keys.data?.items ?? []).filter((k) => !k.revoked).map((k) => ({ value: k.id, label: `${k.name} (…${k.keyPreview})` }))}
        value={form.values.providerApiKeyId} onChange={(v) => form.set('providerApiKeyId', v)} error={form.errors.providerApiKeyId} />
      <TextInput label="Upstream slug" value={form.values.slug} onChange={(e) => form.set('slug', e.currentTarget.value)} error={form.errors.slug} />
      <NumberInput label="Weight" description="Share of calls, relative to the other deployments (0: never picked)" min={0} max={10000} value={form.values.weight}
        onChange={(v) => form.set('weight', v)} error={form.errors.weight} />
      {form.errors._form && <Text c="red" size="sm">{form.errors._form}</Text>}
    </FormModal>
  );
}
