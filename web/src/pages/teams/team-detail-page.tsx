// A team: rename, members (add / remove), its TEAM keys, policies, delete.
import { Alert, Button, Grid, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconKey, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, fetchAll } from '../../api/endpoints.ts';
import type { Team, User } from '../../api/types.ts';
import { KeyStatusBadge, Mono, RoleBadge } from '../../components/badges.tsx';
import { ConfirmDialog, DeleteRecordDialog } from '../../components/confirm-dialog.tsx';
import { DetailHeader, EditDeleteActions } from '../../components/detail-header.tsx';
import { FormModal } from '../../components/form-modal.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { PoliciesCard } from '../../components/policies-card.tsx';
import { RecordPage } from '../../components/query-state.tsx';
import { TableCard } from '../../components/table-card.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useIsAdmin, useOrgId } from '../../hooks/use-session.ts';
import { formatRelative } from '../../lib/format.ts';
import { teamsKey } from './teams-page.tsx';
import { OwnerLimits } from '../budgets/limit-tables.tsx';

const SECTION = { label: 'Teams', path: 'teams' };

export function TeamDetailPage() {
  return <RecordPage param="teamId" what="team" queryKey={(o, id) => [...teamsKey(o), id]} fetch={api.getTeam}>{(t) => <TeamDetail team={t} />}</RecordPage>;
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
      <DetailHeader
        section={SECTION}
        need="admin"
        title={team.name}
        actions={isAdmin && <EditDeleteActions editLabel="Rename" onEdit={() => setDialog('rename')} onDelete={() => setDialog('delete')} />}
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="lg">
            <TableCard
              title="Members"
              description="Users of this organisation in the team."
              action={isAdmin && <Button leftSection={<IconUserPlus size={16} />} onClick={() => setDialog('add')}>Add member</Button>}
            >
              <PagedTable
                label="Team members"
                withBorder={false}
                paged={members}
                minWidth={480}
                empty={{ icon: <IconUsers size={22} />, title: 'No members yet' }}
                columns={[
                  { key: 'name', header: 'Name', render: (u) => <div><Text size="sm" fw={500}>{u.name}</Text><Text size="xs" c="dimmed">{u.email}</Text></div> },
                  { key: 'role', header: 'Role', render: (u) => <RoleBadge role={u.role} /> },
                  { key: 'x', header: '', align: 'right', render: (u) => isAdmin && <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(u)}>Remove</Button> },
                ]}
              />
            </TableCard>
            <TableCard title="Team keys" description={<>TEAM API keys owned by {team.name}.</>}>
              <PagedTable
                label="Team keys"
                withBorder={false}
                paged={keys}
                retry={false}
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
            </TableCard>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <PoliciesCard scope="team" policies={team.policies} canEdit={isAdmin}
            onSave={async (policies) => qc.setQueryData([...teamsKey(orgId), team.id], await api.updateTeam(orgId, team.id, { policies }))} />
        </Grid.Col>
        <Grid.Col span={12}>
          <Stack gap="lg"><OwnerLimits owner={{ type: 'TEAM', id: team.id }} /></Stack>
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
      <DeleteRecordDialog
        opened={dialog === 'delete'}
        onClose={() => setDialog(null)}
        title={`Delete team ${team.name}?`}
        message="The team's TEAM keys are deleted with it, and applications using them are refused. This cannot be undone."
        confirmLabel="Delete team"
        remove={() => api.deleteTeam(orgId, team.id)}
        invalidate={teamsKey(orgId)}
        done={`Team ${team.name} deleted`}
        section={SECTION}
      />
    </>
  );
}

function RenameTeamModal({ team, opened, onClose }: { team: Team; opened: boolean; onClose: () => void }) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const form = useFormState({ name: team.name });
  useResetOnOpen(form, opened, () => ({ name: team.name }));
  const save = useMutation({
    mutationFn: () => api.updateTeam(orgId, team.id, { name: form.values.name.trim() }),
    onSuccess: async (t) => { qc.setQueryData([...teamsKey(orgId), team.id], t); await qc.invalidateQueries({ queryKey: teamsKey(orgId) }); onClose(); },
    onError: (err) => form.showApiError(err),
  });
  return (
    <FormModal opened={opened} onClose={onClose} title="Rename team" onSubmit={() => save.mutate()} submitLabel="Save" busy={save.isPending}>
      <TextInput label="Name" required data-autofocus value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name ?? form.errors._form} />
    </FormModal>
  );
}

function AddMemberModal({ team, opened, onClose, onAdded }: { team: Team; opened: boolean; onClose: () => void; onAdded: () => Promise<unknown> }) {
  const orgId = useOrgId();
  const users = useQuery({ queryKey: ['org', orgId, 'users', 'all'], queryFn: () => fetchAll((q) => api.listUsers(orgId, q)), enabled: opened });
  const form = useFormState({ userId: '' });
  useResetOnOpen(form, opened, () => ({ userId: '' }));
  const add = useMutation({
    mutationFn: () => api.addTeamMember(orgId, team.id, form.values.userId),
    onSuccess: async () => { await onAdded(); onClose(); },
    onError: (err) => form.showApiError(err),
  });
  return (
    <FormModal opened={opened} onClose={onClose} title={<>Add member to {team.name}</>} onSubmit={() => add.mutate()} submitLabel="Add member" busy={add.isPending} submitDisabled={!form.values.userId}>
      <Select label="User" searchable required data-autofocus placeholder="Select a user" nothingFoundMessage="No user matches"
        data={(users.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))}
        value={form.values.userId || null} onChange={(v) => form.set('userId', v ?? '')} error={form.errors.userId} />
      {form.errors._form && <Alert color="red" variant="light">{form.errors._form}</Alert>}
    </FormModal>
  );
}
