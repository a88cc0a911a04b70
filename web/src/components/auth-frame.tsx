// The pages before a session (sign in, accept an invitation): the logo over one card on a soft
// gradient, with an optional note under the card.
import { Box, Center, Paper, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { Logo } from '../layout/logo.tsx';

export function AuthFrame({ width, footer, children }: { width: number; footer?: ReactNode; children: ReactNode }) {
  return (
    <Box mih="100vh" style={{ background: 'linear-gradient(160deg, var(--mantine-color-indigo-0) 0%, var(--mantine-color-gray-0) 55%)' }}>
      <Center mih="100vh" p="md">
        <Stack w="100%" maw={width} gap="lg">
          <Center><Logo size="lg" /></Center>
          <Paper withBorder shadow="sm" radius="lg" p="xl">
            {children}
          </Paper>
          {footer}
        </Stack>
      </Center>
    </Box>
  );
}
