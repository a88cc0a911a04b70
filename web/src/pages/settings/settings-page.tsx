// Settings: the organisation (name, organisation-wide policies, its operators' tokens for admins),
// the operator's password, and their own access tokens for scripts and CI (sent as
// Authorization: Bearer on /api; shown once; they expire).
import { IdText } from '../../components/badges.tsx';
import { Alert, Button, Card, Code, Group, NumberInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../../api/endpoints.ts';
import type { OperatorToken, Organisation } from '../../api/types.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { FormModal } from '../../components/form-modal.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { PoliciesCard } from '../../components/policies-card.tsx';
import { SecretField } from '../../components/secret-field.tsx';
import { TableCard } from '../../components/table-card.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { meQueryKey, useIsAdmin } from '../../hooks/use-session.ts';
import { formatDateTime, formatRelative } from '../../lib/format.ts';
import { OrgTokensCard } from './org-tokens-card.tsx';
import { PasswordCard } from './password-card.tsx';
import { SignInCard } from './sign-in-card.tsx';
import { WebhooksCard } from './webhooks-card.tsx';

export function SettingsPage() {
  const { orgId } = useParams();
  return (
    <>
      <PageHeader title="Settings" description="Organisation settings, your password and your personal access tokens." />
      <Stack gap="lg">
        {orgId && <OrgSettings orgId={orgId} />}
        <PasswordCard />
        <SignInCard />
        <TokensCard />
        {orgId && <AdminOnly><OrgTokensCard orgId={orgId} /></AdminOnly>}
        {orgId && <WebhooksCard orgId={orgId} />}
      </Stack>
    </>
  );
}

function AdminOnly({ children }: { children: React.ReactNode }) {
  return useIsAdmin() ? <>{children}</> : null;
}

function OrgSettings({ orgId }: { orgId: string }) {
  const q = useQuery({ queryKey: ['org', orgId, 'self'], queryFn: () => api.getOrg(orgId) });
  if (!q.data) return null;
  return <OrgCards org={q.data} />;
}

function OrgCards({ org }: { org: Organisation }) {
  const isAdmin = useIsAdmin();
  const qc = useQueryClient();
  const form = useFormState({ name: org.name });
  useEffect(() => form.setValues({ name: org.name }), [org.name]); // eslint-disable-line react-hooks/exhaustive-deps
  const save = useMutation({
    mutationFn: () => api.updateOrg(org.id, { name: form.values.name.trim() }),
    onSuccess: async (o) => {
      qc.setQueryData(['org', org.id, 'self'], o);
      await qc.invalidateQueries({ queryKey: meQueryKey });
      notifications.show({ color: 'teal', message: 'Organisation renamed' });
    },
    onError: (err) => form.showApiError(err),
  });
  return (
    <>
      <Card withBorder radius="md" padding="lg">
        <form onSubmit={(e) => { e.preventDefault(); save.mutate(); }} noValidate>
          <Stack>
            <div><Title order={4}>Organisation</Title><Group gap={6} wrap="nowrap"><Text size="sm" c="dimmed">ID</Text><IdText id={org.id} /></Group></div>
            <Group align="flex-start">
              <TextInput label="Name" value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name ?? form.errors._form} readOnly={!isAdmin} style={{ flex: '1 1 260px' }} maw={420} />
            </Group>
            {isAdmin && <Group><Button type="submit" loading={save.isPending} disabled={form.values.name.trim() === org.name}>Save name</Button></Group>}
          </Stack>
        </form>
      </Card>
      <PoliciesCard scope="organisation" policies={org.policies} canEdit={isAdmin}
        onSave={async (policies) => qc.setQueryData(['org', org.id, 'self'], await api.updateOrg(org.id, { policies }))} />
    </>
  );
}

function TokensCard() {
  const qc = useQueryClient();
  const paged = usePagedQuery(['tokens'], (q) => api.listTokens(q));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<OperatorToken | null>(null);
  const [deleting, setDeleting] = useState<OperatorToken | null>(null);
  return (
    <TableCard
      title="Access tokens"
      description={<>For scripts and CI: send as <Code>Authorization: Bearer …</Code> to <Code>/api</Code>. They act as you, with your roles.</>}
      action={<Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>Create token</Button>}
    >
      {created?.token && (
        <Stack px="lg" pb="md">
          <SecretField label={`New token "${created.name}"`} value={created.token} warning="Copy this token now: it is shown only once." />
        </Stack>
      )}
      <PagedTable
        label="Access tokens"
        withBorder={false}
        paged={paged}
        minWidth={520}
        empty={{ icon: <IconKey size={22} />, title: 'No access tokens', description: 'Create one to call the admin API from a script.' }}
        columns={[
          { key: 'name', header: 'Name', render: (t) => <Text size="sm" fw={500}>{t.name}</Text> },
          { key: 'preview', header: 'Token', render: (t) => <Code>odt_…{t.preview}</Code> },
          { key: 'created', header: 'Created', render: (t) => <Text size="sm" c="dimmed">{formatDateTime(t.createdAt)}</Text> },
          { key: 'expires', header: 'Expires', render: (t) => <Text size="sm" c="dimmed">{formatDateTime(t.expiresAt)}</Text> },
          { key: 'used', header: 'Last used', render: (t) => <Text size="sm" c="dimmed">{formatRelative(t.lastUsedAt)}</Text> },
          { key: 'x', header: '', align: 'right', render: (t) => <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(t)} aria-label={`Delete token ${t.name}`}>Delete</Button> },
        ]}
      />
      <CreateTokenModal opened={creating} onClose={() => setCreating(false)} onCreated={async (t) => { setCreated(t); await qc.invalidateQueries({ queryKey: ['tokens'] }); }} />
      <ConfirmDialog
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete token ${deleting?.name ?? ''}?`}
        message="Scripts using it get 401 from now on."
        confirmLabel="Delete token"
        onConfirm={async () => {
          await api.deleteToken(deleting!.id);
          if (created?.id === deleting!.id) setCreated(null);
          await qc.invalidateQueries({ queryKey: ['tokens'] });
        }}
      />
    </TableCard>
  );
}

function CreateTokenModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (t: OperatorToken) => Promise<void> }) {
  const form = useFormState({ name: '', expiresInDays: '' as number | string });
  useResetOnOpen(form, opened, () => ({ name: '', expiresInDays: '' }));
  const close = onClose;
  const create = useMutation({
    mutationFn: () => api.createToken(form.values.name.trim(), typeof form.values.expiresInDays === 'number' ? form.values.expiresInDays : undefined),
    onSuccess: async (t) => { await onCreated(t); close(); },
    onError: (err) => form.showApiError(err),
  });
  return (
    <FormModal opened={opened} onClose={close} title="Create access token" onSubmit={() => create.mutate()} submitLabel="Create token" busy={create.isPending}>
      <TextInput label="Name" required data-autofocus placeholder="e.g. ci-deploy" value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} />
      <NumberInput label="Expires in (days)" description="Optional. Shorter than the deployment's default lifetime (90 days unless configured)." min={1} allowDecimal={false} value={form.values.expiresInDays} onChange={(v) => form.set('expiresInDays', v)} error={form.errors.expiresInDays} />
      {form.errors._form && <Alert color="red" variant="light">{form.errors._form}</Alert>}
    </FormModal>
  );
}
