// Switches organisation and keeps the current section (Providers stays Providers).
// Super-admins can also create an organisation from here.
import { Group, Menu, Text, TextInput, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBuilding, IconCheck, IconPlus, IconSelector } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/endpoints.ts';
import { RoleBadge } from '../components/badges.tsx';
import { FormModal } from '../components/form-modal.tsx';
import { useFormState, useResetOnOpen } from '../hooks/use-form-state.ts';
import { meQueryKey, useMe } from '../hooks/use-session.ts';

export function OrgSwitcher() {
  const me = useMe().data;
  const { orgId } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  if (!me) return null;
  const current = me.organisations.find((o) => o.id === orgId);
  const section = orgId ? location.pathname.split('/')[3] ?? 'providers' : 'providers';

  return (
    <>
      <Menu position="bottom-start" width={280} shadow="md">
        <Menu.Target>
          <UnstyledButton
            aria-label="Switch organisation"
            px="sm"
            py={6}
            style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 'var(--mantine-radius-md)', maxWidth: 260 }}
          >
            <Group gap={8} wrap="nowrap">
              <IconBuilding size={16} color="var(--mantine-color-gray-6)" />
              <Text size="sm" fw={500} truncate="end">{current?.name ?? 'Select organisation'}</Text>
              <IconSelector size={14} color="var(--mantine-color-gray-6)" />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Organisations</Menu.Label>
          {me.organisations.map((o) => (
            <Menu.Item
              key={o.id}
              onClick={() => navigate(`/orgs/${o.id}/${section}`)}
              leftSection={o.id === orgId ? <IconCheck size={14} /> : <span style={{ width: 14 }} />}
              rightSection={<RoleBadge role={o.role} />}
            >
              {o.name}
            </Menu.Item>
          ))}
          {me.operator.superAdmin && (
            <>
              <Menu.Divider />
              <Menu.Item leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)}>New organisation</Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      <CreateOrgModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function CreateOrgModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const form = useFormState({ name: '' });
  const qc = useQueryClient();
  const navigate = useNavigate();
  useResetOnOpen(form, opened, () => ({ name: '' }));
  const create = useMutation({
    mutationFn: () => api.createOrg(form.values.name.trim()),
    onSuccess: async (org) => {
      await qc.invalidateQueries({ queryKey: meQueryKey });
      notifications.show({ color: 'teal', message: `Organisation ${org.name} created` });
      onClose();
      navigate(`/orgs/${org.id}/providers`);
    },
    onError: (err) => form.showApiError(err),
  });
  return (
    <FormModal opened={opened} onClose={onClose} title="New organisation" centered nativeValidation onSubmit={() => create.mutate()} submitLabel="Create organisation" busy={create.isPending}>
      <TextInput label="Name" required data-autofocus value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name ?? form.errors._form} />
    </FormModal>
  );
}
