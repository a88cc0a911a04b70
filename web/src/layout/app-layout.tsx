// The shell: header with organisation switcher and operator menu, the section navigation,
// and the page. Below the md breakpoint (tablets) the navigation folds behind a burger.
import { AppShell, Burger, Group, NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconChartBar, IconCoin, IconCpu, IconHistory, IconKey, IconMessageChatbot, IconPlugConnected, IconRoute, IconServer2, IconSettings, IconUsers, IconUsersGroup,
} from '@tabler/icons-react';
import { useEffect } from 'react';
import { NavLink as RouterNavLink, Outlet, useLocation, useParams } from 'react-router-dom';
import { rememberOrg } from '../app.tsx';
import { useMe } from '../hooks/use-session.ts';
import { Logo } from './logo.tsx';
import { OperatorMenu } from './operator-menu.tsx';
import { OrgSwitcher } from './org-switcher.tsx';

const SECTIONS = [
  { path: 'providers', label: 'Providers', icon: IconServer2 },
  { path: 'models', label: 'Models', icon: IconCpu },
  { path: 'api-keys', label: 'API Keys', icon: IconKey },
  { path: 'mcp-servers', label: 'MCP Servers', icon: IconPlugConnected },
  { path: 'teams', label: 'Teams', icon: IconUsersGroup },
  { path: 'users', label: 'Users', icon: IconUsers },
  { path: 'usage', label: 'Usage', icon: IconChartBar },
  { path: 'budgets', label: 'Budgets', icon: IconCoin },
  { path: 'routing', label: 'Routing', icon: IconRoute },
  { path: 'playground', label: 'Playground', icon: IconMessageChatbot },
  { path: 'audit-log', label: 'Audit log', icon: IconHistory },
  { path: 'settings', label: 'Settings', icon: IconSettings },
] as const;

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const { orgId } = useParams();
  const location = useLocation();
  const me = useMe().data;
  const fallbackOrg = me?.organisations[0]?.id;
  const navOrg = orgId ?? fallbackOrg;

  useEffect(() => close(), [location.pathname, close]);
  useEffect(() => { if (orgId) rememberOrg(orgId); }, [orgId]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 232, breakpoint: 'md', collapsed: { mobile: !opened } }}
      padding={{ base: 'md', md: 'xl' }}
      bg="var(--mantine-color-gray-0)"
    >
      <AppShell.Header px="md">
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Toggle navigation" />
            <Logo />
            <OrgSwitcher />
          </Group>
          <OperatorMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Sections">
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap={2}>
            <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" pt="xs" pb={6}>Organisation</Text>
            {navOrg && SECTIONS.map((s) => (
              <NavLink
                key={s.path}
                component={RouterNavLink}
                to={`/orgs/${navOrg}/${s.path}`}
                label={s.label}
                leftSection={<s.icon size={18} stroke={1.7} />}
                active={orgId !== undefined && location.pathname.startsWith(`/orgs/${orgId}/${s.path}`)}
                variant="light"
                style={{ borderRadius: 'var(--mantine-radius-md)' }}
                fw={500}
              />
            ))}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" px="sm" pb={4}>Gateway base URL</Text>
          <Text size="xs" ff="monospace" px="sm" c="dark.4" style={{ wordBreak: 'break-all' }}>{window.location.origin}/v1</Text>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <div style={{ maxWidth: 1280, margin: '0 auto' }}>
          <Outlet />
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
