// Users: organisation members and their roles. Console access comes only from an invitation the
// person accepts, choosing their own password (member = read-only); nobody sets it for them.
import { Badge, Button, Group, Menu, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconMailPlus, IconPencil, IconTrash, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/endpoints.ts';
import type { Role, User } from '../../api/types.ts';
import { RoleBadge } from '../../components/badges.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { FormModal } from '../../components/form-modal.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { ReadOnlyNotice } from '../../components/read-only-notice.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { meQueryKey, useIsAdmin, useMe, useOrgId } from '../../hooks/use-session.ts';
import { formatDateTime } from '../../lib/format.ts';
import { OwnerLimits } from '../budgets/limit-tables.tsx';
import { InvitationsCard, InviteModal, ROLE_OPTIONS } from './invitations-card.tsx';

const usersKey = (orgId: string) => ['org', orgId, 'users'] as const;

export function UsersPage() {
  const orgId = useOrgId();
  const isAdmin = useIsAdmin();
  const me = useMe().data;
  const qc = useQueryClient();
  const paged = usePagedQuery(usersKey(orgId), (q) => api.listUsers(orgId, q));
  // The edited user outlives the dialog's fade-out, so it does not turn into "Add User" while closing.
  const [editing, setEditingState] = useState<{ user: User | null; open: boolean }>({ user: null, open: false });
  const setEditing = (u: User | 'new' | null) => setEditingState((prev) => (u === null ? { ...prev, open: false } : { user: u === 'new' ? null : u, open: true }));
  const [deleting, setDeleting] = useState<User | null>(null);
  const [inviting, setInviting] = useState(false);
  const [limitsOf, setLimitsOf] = useState<User | null>(null);

  return (
    <>
      <PageHeader
        title="Users"
        description="People in this organisation. Their role decides what they can change in the console; USER keys are owned by one of them."
        actions={(
          <Group gap="sm">
            <Button leftSection={<IconMailPlus size={16} />} onClick={() => setInviting(true)} disabled={!isAdmin}>Invite</Button>
            <Button variant="default" leftSection={<IconUserPlus size={16} />} onClick={() => setEditing('new')} disabled={!isAdmin}>Add User</Button>
          </Group>
        )}
      />
      <ReadOnlyNotice need="admin" />
      <PagedTable
        label="Users"
        paged={paged}
        minWidth={600}
        empty={{ icon: <IconUsers size={22} />, title: 'No users yet', action: isAdmin && <Button onClick={() => setEditing('new')}>Add User</Button> }}
        columns={[
          { key: 'name', header: 'Name', render: (u) => <div><Text size="sm" fw={500}>{u.name}{u.email === me?.operator.email ? ' (you)' : ''}</Text><Text size="xs" c="dimmed">{u.email}</Text></div> },
          { key: 'role', header: 'Role', render: (u) => <RoleBadge role={u.role} /> },
          { key: 'console', header: 'Console', render: (u) => (u.consoleAccess ? <Badge variant="light" color="teal">Can log in</Badge> : <Badge variant="light" color="gray">No login</Badge>) },
          { key: 'created', header: 'Added', render: (u) => <Text size="sm" c="dimmed">{formatDateTime(u.createdAt)}</Text> },
          {
            key: 'x', header: '', align: 'right',
            render: (u) => (
              <Group gap={4} justify="flex-end" wrap="nowrap">
              <Button size="xs" variant="subtle" onClick={() => setLimitsOf(u)}>Budgets</Button>
              {isAdmin && <Menu position="bottom-end">
                <Menu.Target><Button size="xs" variant="subtle" color="gray" aria-label={`Actions for ${u.name}`}><IconDots size={16} /></Button></Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setEditing(u)}>Edit</Menu.Item>
                  <Menu.Item leftSection={<IconTrash size={14} />} color="red" onClick={() => setDeleting(u)}>Remove from organisation</Menu.Item>
                </Menu.Dropdown>
              </Menu>}
              </Group>
            ),
          },
        ]}
      />
      {isAdmin && <InvitationsCard />}
      <Modal opened={limitsOf !== null} onClose={() => setLimitsOf(null)} title={<Text fw={600}>Budgets of {limitsOf?.name}</Text>} size="80rem">
        {limitsOf && <Stack gap="lg"><OwnerLimits owner={{ type: 'USER', id: limitsOf.id }} /></Stack>}
      </Modal>
      <UserModal user={editing.user} opened={editing.open} onClose={() => setEditing(null)} />
      <InviteModal opened={inviting} onClose={() => setInviting(false)} />
      <ConfirmDialog
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Remove ${deleting?.name ?? ''}?`}
        message="They lose access to this organisation, and USER keys they own are deleted."
        confirmLabel="Remove user"
        onConfirm={async () => {
          await api.deleteUser(orgId, deleting!.id);
          await qc.invalidateQueries({ queryKey: usersKey(orgId) });
          notifications.show({ color: 'teal', message: `${deleting!.name} removed` });
        }}
      />
    </>
  );
}

function UserModal({ user, opened, onClose }: { user: User | null; opened: boolean; onClose: () => void }) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const initial = () => ({ email: user?.email ?? '', name: user?.name ?? '', role: (user?.role ?? 'member') as Role });
  const form = useFormState(initial());
  useResetOnOpen(form, opened, initial);
  const v = form.values;
  const save = useMutation({
    mutationFn: () => user
      ? api.updateUser(orgId, user.id, { name: v.name.trim(), role: v.role })
      : api.createUser(orgId, { email: v.email.trim(), name: v.name.trim(), role: v.role }),
    onSuccess: async (u) => {
      await qc.invalidateQueries({ queryKey: usersKey(orgId) });
      await qc.invalidateQueries({ queryKey: ['org', orgId, 'users', 'all'] });
      await qc.invalidateQueries({ queryKey: meQueryKey });
      notifications.show({ color: 'teal', message: user ? `${u.name} saved` : `${u.name} added` });
      onClose();
    },
    onError: (err) => form.showApiError(err),
  });
  return (
    <FormModal opened={opened} onClose={onClose} title={user ? `Edit ${user.name}` : 'Add User'} onSubmit={() => save.mutate()} submitLabel={user ? 'Save changes' : 'Add user'} busy={save.isPending}>
      <TextInput label="Email" type="email" required disabled={!!user} value={v.email} onChange={(e) => form.set('email', e.currentTarget.value)} error={form.errors.email} data-autofocus />
      <TextInput label="Name" required value={v.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} />
      <Select label="Role" data={ROLE_OPTIONS} value={v.role} onChange={(r) => form.set('role', (r ?? 'member') as Role)} allowDeselect={false} error={form.errors.role} />
      {!user && <Text size="sm" c="dimmed">A user owns USER keys and can be on teams. To let them use this console, invite them instead: they choose their own password.</Text>}
      {form.errors._form && <Text c="red" size="sm">{form.errors._form}</Text>}
    </FormModal>
  );
}
