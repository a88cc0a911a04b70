import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconAnchor } from '@tabler/icons-react';

export function Logo({ size = 'md' }: { size?: 'md' | 'lg' }) {
  const big = size === 'lg';
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={big ? 40 : 30} radius="md" variant="gradient" gradient={{ from: 'indigo.6', to: 'violet.5', deg: 135 }}>
        <IconAnchor size={big ? 24 : 18} stroke={2.2} />
      </ThemeIcon>
      <Text fw={700} fz={big ? 26 : 19} style={{ letterSpacing: -0.3 }}>Odock</Text>
    </Group>
  );
}
