// A team: rename, members (add / remove), its TEAM keys, policies, delete.
import { Alert, Button, Card, Grid, Group, Modal, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey, IconPencil, IconTrash, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, fetchAll } from '../../api/endpoints.ts';
import type { Team, User } from '../../api/types.ts';
import { KeyStatusBadge, Mono, RoleBadge } from '../../components/badges.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PoliciesCard } from '../../components/policies-card.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { ReadOnlyNotice } from '../../components/read-only-notice.tsx';
import { useFormState } from '../../hooks/use-form-state.ts';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useIsAdmin, useOrgId } from '../../hooks/use-session.ts';
import { formatRelative } from '../../lib/format.ts';
import { teamsKey } from './teams-page.tsx';

export function TeamDetailPage() {
  const orgId = useOrgId();
  const { teamId = '' } = useParams();
  const query = useQuery({ queryKey: [...teamsKey(orgId), teamId], queryFn: () => api.getTeam(orgId, teamId) });
  return <QueryState query={query} what="team">{(t) => <TeamDetail team={t} />}</QueryState>;
}

function TeamDetail({ team }: { team: Team }) {
  const orgId = useOrgId();
  const isAdmin = useIsAdmin();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<'rename' | 'delete' | 'add' | null>(null);
  const [removing, setRemoving] = useState<User | null>(null);
  const membersKey = [...teamsKey(orgId), team.id, 'members'];
  const members = usePagedQuery(membersKey, (q) => api.listTeamMembers(orgId, team.id, q));
  const keys = usePagedQuery(['org', orgId, 'api-keys', 'team', team.id], (q) => api.listApiKeys(orgId, q), { filters: { teamId: team.id }, pageSize: 10 });

  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Teams', to: `/orgs/${orgId}/teams` }]}
        title={team.name}
        actions={isAdmin && (
          <>
            <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setDialog('rename')}>Rename</Button>
            <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setDialog('delete')}>Delete</Button>
          </>
        )}
      />
      <ReadOnlyNotice need="admin" />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="lg">
            <Card withBorder radius="md" padding={0}>
              <Group justify="space-between" p="lg" pb="sm">
                <div><Title order={4}>Members</Title><Text size="sm" c="dimmed">Users of this organisation in the team.</Text></div>
                {isAdmin && <Button leftSection={<IconUserPlus size={16} />} onClick={() => setDialog('add')}>Add member</Button>}
              </Group>
              <DataTable
                label="Team members"
                withBorder={false}
                rows={members.items}
                rowKey={(u) => u.id}
                loading={members.isLoading}
                error={members.error}
                onRetry={members.refetch}
                paging={members}
                minWidth={480}
                empty={{ icon: <IconUsers size={22} />, title: 'No members yet' }}
                columns={[
                  { key: 'name', header: 'Name', render: (u) => <div><Text size="sm" fw={500}>{u.name}</Text><Text size="xs" c="dimmed">{u.email}</Text></div> },
                  { key: 'role', header: 'Role', render: (u) => <RoleBadge role={u.role} /> },
                  { key: 'x', header: '', align: 'right', render: (u) => isAdmin && <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(u)}>Remove</Button> },
                ]}
              />
            </Card>
            <Card withBorder radius="md" padding={0}>
              <Stack gap={2} p="lg" pb="sm"><Title order={4}>Team keys</Title><Text size="sm" c="dimmed">TEAM API keys owned by {team.name}.</Text></Stack>
              <DataTable
                label="Team keys"
                withBorder={false}
                rows={keys.items}
                rowKey={(k) => k.id}
                loading={keys.isLoading}
                error={keys.error}
                paging={keys}
                minWidth={480}
                onRowClick={(k) => navigate(`/orgs/${orgId}/api-keys/${k.id}`)}
                empty={{ icon: <IconKey size={22} />, title: 'No team keys', description: 'Create one on the API Keys page with type Team.' }}
                columns={[
                  { key: 'name', header: 'Name', render: (k) => <Text component={Link} to={`/orgs/${orgId}/api-keys/${k.id}`} size="sm" fw={600} c="indigo.7">{k.name ?? 'Unnamed key'}</Text> },
                  { key: 'key', header: 'Key', render: (k) => <Mono>{k.maskedKey}</Mono> },
                  { key: 'status', header: 'Status', render: (k) => <KeyStatusBadge apiKey={k} /> },
                  { key: 'used', header: 'Last used', render: (k) => <Text size="sm" c="dimmed">{formatRelative(k.lastUsedAt)}</Text> },
                ]}
              />
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <PoliciesCard scope="team" policies={team.policies} canEdit={isAdmin}
            onSave={async (policies) => qc.setQueryData([...teamsKey(orgId), team.id], await api.updateTeam(orgId, team.id, { policies }))} />
        </Grid.Col>
      </Grid>
      <RenameTeamModal team={team} opened={dialog === 'rename'} onClose={() => setDialog(null)} />
      <AddMemberModal team={team} opened={dialog === 'add'} onClose={() => setDialog(null)} onAdded={() => qc.invalidateQueries({ queryKey: membersKey })} />
      <ConfirmDialog
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={`Remove ${removing?.name ?? ''} from ${team.name}?`}
        message="The user stays in the organisation; only the team membership is removed."
        confirmLabel="Remove member"
        onConfirm={async () => { await api.removeTeamMember(orgId, team.id, removing!.id); await qc.invalidateQueries({ queryKey: membersKey }); }}
      />
      <ConfirmDialog
        opened={dialog === 'delete'}
        onClose={() => setDialog(null)}
        title={`Delete team ${team.name}?`}
        message="The team's TEAM keys are deleted with it, and applications using them are refused. This cannot be undone."
        confirmLabel="Delete team"
        onConfirm={async () => {
          await api.deleteTeam(orgId, team.id);
          await qc.invalidateQueries({ queryKey: teamsKey(orgId) });
          notifications.show({ color: 'teal', message: `Team ${team.name} deleted` });
          navigate(`/orgs/${orgId}/teams`);
        }}
      />
    </>
  );
}

function RenameTeamModal({ team, opened, onClose }: { team: Team; opened: boolean; onClose: () => void }) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const form = useFormState({ name: team.name });
  useEffect(() => { if (opened) { form.setValues({ name: team.name }); form.clearErrors(); } }, [opened]); // eslint-disable-line react-hooks/exhaustive-deps
  const save = useMutation({
    mutationFn: () => api.updateTeam(orgId, team.id, { name: form.values.name.trim() }),
    onSuccess: async (t) => { qc.setQueryData([...teamsKey(orgId), team.id], t); await qc.invalidateQueries({ queryKey: teamsKey(orgId) }); onClose(); },
    onError: (err) => form.showApiError(err),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Rename team</Text>}>
      <form onSubmit={(e) => { e.preventDefault(); save.mutate(); }} noValidate>
        <Stack>
          <TextInput label="Name" required data-autofocus value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name ?? form.errors._form} />
          <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button type="submit" loading={save.isPending}>Save</Button></Group>
        </Stack>
      </form>
    </Modal>
  );
}

function AddMemberModal({ team, opened, onClose, onAdded }: { team: Team; opened: boolean; onClose: () => void; onAdded: () => Promise<unknown> }) {
  const orgId = useOrgId();
  const users = useQuery({ queryKey: ['org', orgId, 'users', 'all'], queryFn: () => fetchAll((q) => api.listUsers(orgId, q)), enabled: opened });
  const form = useFormState({ userId: '' });
  // Reset when opening, not when closing: the dialog fades out showing what was submitted.
  useEffect(() => { if (opened) { form.setValues({ userId: '' }); form.clearErrors(); } }, [opened]); // eslint-disable-line react-hooks/exhaustive-deps
  const close = onClose;
  const add = useMutation({
    mutationFn: () => api.addTeamMember(orgId, team.id, form.values.userId),
    onSuccess: async () => { await onAdded(); close(); },
    onError: (err) => form.showApiError(err),
  });
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={600}>Add member to {team.name}</Text>}>
      <form onSubmit={(e) => { e.preventDefault(); add.mutate(); }} noValidate>
        <Stack>
          <Select label="User" searchable required data-autofocus placeholder="Select a user" nothingFoundMessage="No user matches"
            data={(users.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))}
            value={form.values.userId || null} onChange={(v) => form.set('userId', v ?? '')} error={form.errors.userId} />
          {form.errors._form && <Alert color="red" variant="light">{form.errors._form}</Alert>}
          <Group justify="flex-end"><Button variant="default" onClick={close}>Cancel</Button><Button type="submit" loading={add.isPending} disabled={!form.values.userId}>Add member</Button></Group>
        </Stack>
      </form>
    </Modal>
  );
}
