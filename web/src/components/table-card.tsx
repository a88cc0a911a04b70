// A card holding one table under a header: title, a line saying what the list is, and the card's
// action (Batch Add, Add member, Create token) on the right. The table sits flush in the card.
import { Card, Group, Text, Title, type CardProps } from '@mantine/core';
import type { ReactNode } from 'react';

export function TableCard({ title, description, action, titleId, children, ...card }: CardProps & {
  title: ReactNode;
  description?: ReactNode;
  action?: ReactNode;
  /** Lets the card be named by its title (aria-labelledby). */
  titleId?: string;
  children: ReactNode;
  component?: 'section';
  'aria-label'?: string;
}) {
  return (
    <Card withBorder radius="md" padding={0} {...card}>
      <Group justify="space-between" p="lg" pb="sm">
        <div>
          <Title order={4} id={titleId}>{title}</Title>
          {description && <Text size="sm" c="dimmed">{description}</Text>}
        </div>
        {action}
      </Group>
      {children}
    </Card>
  );
}
