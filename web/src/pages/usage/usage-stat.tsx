import { Paper, Text } from '@mantine/core';

/** One headline figure with a line saying what it counts. */
export function Stat({ label, value, hint }: { label: string; value: string; hint: string }) {
  return (
    <Paper withBorder radius="md" p="md" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>{label}</Text>
      <Text fz={24} fw={650} mt={4} data-testid={`stat-${label.toLowerCase().replace(/[^a-z]+/g, '-')}`}>{value}</Text>
      <Text size="xs" c="dimmed">{hint}</Text>
    </Paper>
  );
}
