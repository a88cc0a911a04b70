// Budget alert webhooks of the organisation (admins add and remove them; the secret is write-only)
// and every delivery of each: status, attempts, the receiver's last answer.
import { Badge, Button, Group, Modal, PasswordInput, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconWebhook } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/endpoints.ts';
import type { Webhook, WebhookDelivery } from '../../api/types.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { FormModal } from '../../components/form-modal.tsx';
import { Mono } from '../../components/badges.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { TableCard } from '../../components/table-card.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useIsAdmin } from '../../hooks/use-session.ts';
import { formatDateTime } from '../../lib/format.ts';

const webhooksKey = (orgId: string) => ['org', orgId, 'webhooks'] as const;
const STATUS_COLOR: Record<WebhookDelivery['status'], string> = { PENDING: 'yellow', DELIVERED: 'teal', FAILED: 'red' };

export function WebhooksCard({ orgId }: { orgId: string }) {
  const isAdmin = useIsAdmin();
  const qc = useQueryClient();
  const paged = usePagedQuery(webhooksKey(orgId), (q) => api.listWebhooks(orgId, q));
  const [adding, setAdding] = useState(false);
  const [showing, setShowing] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const add = isAdmin && <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>Add webhook</Button>;
  return (
    <TableCard title="Webhooks" description="Budget alerts are POSTed here, signed with X-Odock-Signature: sha256=HMAC(secret, body)." action={add} aria-label="Webhooks" component="section">
      <PagedTable
        label="Webhooks"
        withBorder={false}
        paged={paged}
        minWidth={560}
        empty={{ icon: <IconWebhook size={22} />, title: 'No webhooks', description: 'Add one to be told when a budget crosses a threshold.', action: add }}
        columns={[
          { key: 'url', header: 'URL', render: (w) => <Mono>{w.url}</Mono> },
          { key: 'events', header: 'Events', render: (w) => <Text size="sm">{w.events.join(', ')}</Text> },
          { key: 'created', header: 'Created', render: (w) => <Text size="sm" c="dimmed">{formatDateTime(w.createdAt)}</Text> },
          { key: 'x', header: '', align: 'right', render: (w) => (
            <Group gap={4} justify="flex-end" wrap="nowrap">
              <Button size="xs" variant="subtle" onClick={() => setShowing(w)}>Deliveries</Button>
              {isAdmin && <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(w)}>Delete</Button>}
            </Group>
          ) },
        ]}
      />
      <AddWebhookModal orgId={orgId} opened={adding} onClose={() => setAdding(false)} />
      <Modal opened={showing !== null} onClose={() => setShowing(null)} title={<Text fw={600}>Deliveries</Text>} size="xl">
        {showing && <Deliveries orgId={orgId} webhook={showing} />}
      </Modal>
      <ConfirmDialog
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete webhook"
        message="Alerts are no longer sent to this URL; its delivery history goes with it."
        confirmLabel="Delete webhook"
        onConfirm={async () => { await api.deleteWebhook(orgId, deleting!.id); await qc.invalidateQueries({ queryKey: webhooksKey(orgId) }); }}
      />
    </TableCard>
  );
}

function Deliveries({ orgId, webhook }: { orgId: string; webhook: Webhook }) {
  const paged = usePagedQuery([...webhooksKey(orgId), webhook.id, 'deliveries'], (q) => api.listWebhookDeliveries(orgId, webhook.id, q), { pageSize: 10 });
  return (
    <PagedTable
      label="Webhook deliveries"
      paged={paged}
      minWidth={640}
      empty={{ icon: <IconWebhook size={22} />, title: 'No deliveries yet' }}
      columns={[
        { key: 'at', header: 'Created', render: (d) => <Text size="sm">{formatDateTime(d.createdAt)}</Text> },
        { key: 'event', header: 'Event', render: (d) => <Text size="sm">{d.event}{d.payload.data?.threshold !== undefined ? ` · ${d.payload.data.threshold} %` : ''}</Text> },
        { key: 'status', header: 'Status', render: (d) => <Badge variant="light" color={STATUS_COLOR[d.status]}>{d.status.toLowerCase()}</Badge> },
        { key: 'attempts', header: 'Attempts', render: (d) => <Text size="sm">{d.attempts}</Text> },
        { key: 'last', header: 'Last answer', render: (d) => <Text size="sm" c="dimmed">{d.lastStatusCode ?? d.lastError ?? '—'}</Text> },
      ]}
    />
  );
}

function AddWebhookModal({ orgId, opened, onClose }: { orgId: string; opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const initial = () => ({ url: '', secret: '' });
  const form = useFormState(initial());
  useResetOnOpen(form, opened, initial);
  const create = useMutation({
    mutationFn: () => api.createWebhook(orgId, { url: form.values.url.trim(), secret: form.values.secret, events: ['budget.threshold'] }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: webhooksKey(orgId) });
      notifications.show({ color: 'teal', message: 'Webhook added' });
      onClose();
    },
    onError: (err) => form.showApiError(err),
  });
  return (
    <FormModal opened={opened} onClose={onClose} title="Add webhook" onSubmit={() => create.mutate()} submitLabel="Add webhook" busy={create.isPending}>
      <TextInput label="URL" required data-autofocus placeholder="https://hooks.example.com/odock" value={form.values.url} onChange={(e) => form.set('url', e.currentTarget.value)} error={form.errors.url ?? form.errors._form} />
      <PasswordInput label="Signing secret" required description="At least 16 characters. Stored encrypted and never shown again." value={form.values.secret} onChange={(e) => form.set('secret', e.currentTarget.value)} error={form.errors.secret} />
    </FormModal>
  );
}
