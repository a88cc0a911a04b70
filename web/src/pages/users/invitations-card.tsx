// Invitations: how an operator joins. The admin invites an email with a role and passes the link
// on (shown once); the invitee opens it and chooses their own password. Resend replaces a
// pending link with a new one (the old stops working); Revoke ends it.
import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMail } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { api } from '../../api/endpoints.ts';
import type { CreatedInvitation, Invitation, Role } from '../../api/types.ts';
import { RoleBadge } from '../../components/badges.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { SecretField } from '../../components/secret-field.tsx';
import { TableCard } from '../../components/table-card.tsx';
import { useFormState } from '../../hooks/use-form-state.ts';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useOrgId } from '../../hooks/use-session.ts';
import { formatDateTime } from '../../lib/format.ts';

const invitationsKey = (orgId: string) => ['org', orgId, 'invitations'] as const;
export const ROLE_OPTIONS = [
  { value: 'admin', label: 'Admin: everything, including users and teams' },
  { value: 'manager', label: 'Manager: providers, models, keys, MCP servers' },
  { value: 'member', label: 'Member: read-only' },
];

export function InvitationsCard() {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const paged = usePagedQuery(invitationsKey(orgId), (q) => api.listInvitations(orgId, q));
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  // Resending replaces the link: the old one stops working, the new one is shown once.
  const [resent, setResent] = useState<CreatedInvitation | null>(null);
  const resend = useMutation({
    mutationFn: (i: Invitation) => api.resendInvitation(orgId, i.id),
    onSuccess: async (inv) => {
      setResent(inv);
      await qc.invalidateQueries({ queryKey: invitationsKey(orgId) });
    },
    onError: (err) => notifications.show({ color: 'red', message: errorMessage(err) }),
  });
  return (
    <TableCard mt="lg" title="Pending invitations" description="Links not yet opened. Each works once, until it expires.">
      <PagedTable
        label="Pending invitations"
        withBorder={false}
        paged={paged}
        minWidth={520}
        empty={{ icon: <IconMail size={22} />, title: 'No pending invitations', description: 'Invite someone to give them console access.' }}
        columns={[
          { key: 'email', header: 'Email', render: (i) => <Text size="sm" fw={500}>{i.email}</Text> },
          { key: 'role', header: 'Role', render: (i) => <RoleBadge role={i.role} /> },
          { key: 'expires', header: 'Expires', render: (i) => <Text size="sm" c="dimmed">{formatDateTime(i.expiresAt)}</Text> },
          {
            key: 'x', header: '', align: 'right', render: (i) => (
              <Group gap={4} justify="flex-end" wrap="nowrap">
                <Button size="xs" variant="subtle" onClick={() => resend.mutate(i)} loading={resend.isPending && resend.variables?.id === i.id} aria-label={`Resend invitation for ${i.email}`}>Resend</Button>
                <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(i)} aria-label={`Revoke invitation for ${i.email}`}>Revoke</Button>
              </Group>
            ),
          },
        ]}
      />
      <Modal opened={resent !== null} onClose={() => setResent(null)} title={<Text fw={600}>New invitation link</Text>}>
        {resent && (
          <Stack>
            <Text size="sm">The previous link for <b>{resent.email}</b> no longer works. Send them this one; it expires {formatDateTime(resent.expiresAt)}.</Text>
            <SecretField label="Invitation link" value={resent.url} warning="Copy the link now: it is shown only once." />
            <Group justify="flex-end"><Button onClick={() => setResent(null)}>Done</Button></Group>
          </Stack>
        )}
      </Modal>
      <ConfirmDialog
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke the invitation for ${revoking?.email ?? ''}?`}
        message="The link stops working."
        confirmLabel="Revoke invitation"
        onConfirm={async () => {
          await api.revokeInvitation(orgId, revoking!.id);
          await qc.invalidateQueries({ queryKey: invitationsKey(orgId) });
        }}
      />
    </TableCard>
  );
}

export function InviteModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const form = useFormState({ email: '', role: 'member' as Role });
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  // Reset when opening, not when closing: the dialog fades out showing what it showed.
  useEffect(() => { if (opened) { form.setValues({ email: '', role: 'member' }); form.clearErrors(); setCreated(null); } }, [opened]); // eslint-disable-line react-hooks/exhaustive-deps
  const invite = useMutation({
    mutationFn: () => api.createInvitation(orgId, { email: form.values.email.trim(), role: form.values.role }),
    onSuccess: async (inv) => {
      setCreated(inv);
      await qc.invalidateQueries({ queryKey: invitationsKey(orgId) });
      notifications.show({ color: 'teal', message: `${inv.email} invited` });
    },
    onError: (err) => form.showApiError(err),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Invite to the console</Text>}>
      {created ? (
        <Stack>
          <Text size="sm">Send this link to <b>{created.email}</b>. They choose their own password and join as <RoleBadge role={created.role} />. It expires {formatDateTime(created.expiresAt)}.</Text>
          <SecretField label="Invitation link" value={created.url} warning="Copy the link now: it is shown only once." />
          <Group justify="flex-end"><Button onClick={onClose}>Done</Button></Group>
        </Stack>
      ) : (
        <form onSubmit={(e) => { e.preventDefault(); invite.mutate(); }} noValidate>
          <Stack>
            <TextInput label="Email" type="email" required data-autofocus value={form.values.email} onChange={(e) => form.set('email', e.currentTarget.value)} error={form.errors.email} />
            <Select label="Role" data={ROLE_OPTIONS} value={form.values.role} onChange={(r) => form.set('role', (r ?? 'member') as Role)} allowDeselect={false} error={form.errors.role} />
            {form.errors._form && <Alert color="red" variant="light">{form.errors._form}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>Cancel</Button>
              <Button type="submit" loading={invite.isPending}>Create invitation</Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
