import { Button, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconUsersGroup } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/endpoints.ts';
import { FormModal } from '../../components/form-modal.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { ReadOnlyNotice } from '../../components/read-only-notice.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useIsAdmin, useOrgId } from '../../hooks/use-session.ts';
import { formatDateTime } from '../../lib/format.ts';

export const teamsKey = (orgId: string) => ['org', orgId, 'teams'] as const;

export function TeamsPage() {
  const orgId = useOrgId();
  const isAdmin = useIsAdmin();
  const navigate = useNavigate();
  const paged = usePagedQuery(teamsKey(orgId), (q) => api.listTeams(orgId, q));
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Teams"
        description="Group users, own TEAM keys and attribute usage to product teams or environments. Team policies apply to every key the team owns."
        actions={<Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} disabled={!isAdmin}>Create Team</Button>}
      />
      <ReadOnlyNotice need="admin" />
      <PagedTable
        label="Teams"
        paged={paged}
        onRowClick={(t) => navigate(`/orgs/${orgId}/teams/${t.id}`)}
        minWidth={480}
        empty={{
          icon: <IconUsersGroup size={22} />, title: 'No teams yet', description: 'Teams own TEAM keys and share policies.',
          action: isAdmin && <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>Create Team</Button>,
        }}
        columns={[
          { key: 'name', header: 'Name', render: (t) => <Text component={Link} to={`/orgs/${orgId}/teams/${t.id}`} size="sm" fw={600} c="indigo.7" onClick={(e) => e.stopPropagation()}>{t.name}</Text> },
          { key: 'policies', header: 'Policies', render: (t) => <Text size="sm" c={t.policies && Object.keys(t.policies).length ? undefined : 'dimmed'}>{t.policies && Object.keys(t.policies).length ? Object.keys(t.policies).join(', ') : 'None'}</Text> },
          { key: 'created', header: 'Created', render: (t) => <Text size="sm" c="dimmed">{formatDateTime(t.createdAt)}</Text> },
        ]}
      />
      <CreateTeamModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function CreateTeamModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const form = useFormState({ name: '' });
  useResetOnOpen(form, opened, () => ({ name: '' }));
  const close = onClose;
  const create = useMutation({
    mutationFn: () => api.createTeam(orgId, form.values.name.trim()),
    onSuccess: async (t) => {
      await qc.invalidateQueries({ queryKey: teamsKey(orgId) });
      notifications.show({ color: 'teal', message: `Team ${t.name} created` });
      close();
    },
    onError: (err) => form.showApiError(err),
  });
  return (
    <FormModal opened={opened} onClose={close} title="Create Team" onSubmit={() => create.mutate()} submitLabel="Create team" busy={create.isPending}>
      <TextInput label="Name" required data-autofocus placeholder="e.g. Payments" value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name ?? form.errors._form} />
    </FormModal>
  );
}
