import { Anchor, Breadcrumbs, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

export function PageHeader(p: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  crumbs?: { label: string; to: string }[];
  badges?: ReactNode;
}) {
  return (
    <Stack gap={6} mb="lg">
      {p.crumbs && (
        <Breadcrumbs separator="/" fz="sm">
          {p.crumbs.map((c) => (
            <Anchor key={c.to} component={Link} to={c.to} size="sm" c="dimmed">{c.label}</Anchor>
          ))}
        </Breadcrumbs>
      )}
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={4} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Group gap="sm" wrap="wrap">
            <Title order={2} fz={26} fw={650} style={{ wordBreak: 'break-word' }}>{p.title}</Title>
            {p.badges}
          </Group>
          {p.description && <Text c="dimmed" size="sm" maw={720}>{p.description}</Text>}
        </Stack>
        {p.actions && <Group gap="sm">{p.actions}</Group>}
      </Group>
    </Stack>
  );
}
