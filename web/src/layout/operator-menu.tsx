import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconKey, IconLogout } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/endpoints.ts';
import { useMe } from '../hooks/use-session.ts';

export function OperatorMenu() {
  const me = useMe().data;
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { orgId } = useParams();
  if (!me) return null;
  const name = me.operator.name || me.operator.email;
  const initials = name.split(/[\s@.]+/).filter(Boolean).slice(0, 2).map((s) => s[0]!.toUpperCase()).join('');

  const logout = async () => {
    try { await api.logout(); } catch { /* the session is gone either way */ }
    qc.clear();
    navigate('/login', { replace: true });
  };

  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label="Operator menu">
          <Group gap={8} wrap="nowrap">
            <Avatar size={32} radius="xl" color="indigo" variant="light">{initials}</Avatar>
            <Text size="sm" fw={500} visibleFrom="sm" truncate="end" maw={180}>{name}</Text>
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={500} c="dark">{me.operator.name}</Text>
          <Text size="xs" c="dimmed">{me.operator.email}{me.operator.superAdmin ? ' · super-admin' : ''}</Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item leftSection={<IconKey size={14} />} onClick={() => navigate(orgId ? `/orgs/${orgId}/settings` : '/settings')}>
          Access tokens
        </Menu.Item>
        <Menu.Item leftSection={<IconLogout size={14} />} color="red" onClick={logout}>Log out</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
