import { Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** Label/value rows for a record's details card. */
export function DetailList({ items }: { items: [string, ReactNode][] }) {
  return (
    <Stack gap={10}>
      {items.map(([label, value]) => (
        <Group key={label} gap="md" wrap="nowrap" align="flex-start">
          <Text size="sm" c="dimmed" w={150} style={{ flexShrink: 0 }}>{label}</Text>
          <div style={{ minWidth: 0, fontSize: 'var(--mantine-font-size-sm)', wordBreak: 'break-word' }}>{value}</div>
        </Group>
      ))}
    </Stack>
  );
}
