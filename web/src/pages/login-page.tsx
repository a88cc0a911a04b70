import { Alert, Box, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Navigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { useFormState } from '../hooks/use-form-state.ts';
import { meQueryKey, useMe } from '../hooks/use-session.ts';
import { Logo } from '../layout/logo.tsx';

export function LoginPage() {
  const me = useMe();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const next = params.get('next');
  const safeNext = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  const form = useFormState({ email: '', password: '' });

  const login = useMutation({
    mutationFn: () => api.login(form.values.email.trim(), form.values.password),
    onSuccess: async () => {
      // Loading the session re-renders this page, whose <Navigate> below goes on to `next`. Navigating
      // here as well raced it: a second, late navigation to '/' left the console on a blank page.
      await qc.resetQueries({ queryKey: meQueryKey });
      await qc.fetchQuery({ queryKey: meQueryKey, queryFn: api.me });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 401) form.setError('_form', 'Incorrect email or password.');
      else form.showApiError(err);
    },
  });

  if (me.data) return <Navigate to={safeNext} replace />;

  return (
    <Box mih="100vh" style={{ background: 'linear-gradient(160deg, var(--mantine-color-indigo-0) 0%, var(--mantine-color-gray-0) 55%)' }}>
      <Center mih="100vh" p="md">
        <Stack w="100%" maw={400} gap="lg">
          <Center><Logo size="lg" /></Center>
          <Paper withBorder shadow="sm" radius="lg" p="xl">
            <form onSubmit={(e) => { e.preventDefault(); login.mutate(); }} noValidate>
              <Stack>
                <div>
                  <Title order={3}>Sign in to the console</Title>
                  <Text size="sm" c="dimmed">Manage providers, models and virtual API keys.</Text>
                </div>
                {form.errors._form && (
                  <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>{form.errors._form}</Alert>
                )}
                <TextInput
                  label="Email"
                  type="email"
                  autoComplete="username"
                  required
                  data-autofocus
                  value={form.values.email}
                  onChange={(e) => form.set('email', e.currentTarget.value)}
                  error={form.errors.email}
                />
                <PasswordInput
                  label="Password"
                  autoComplete="current-password"
                  required
                  value={form.values.password}
                  onChange={(e) => form.set('password', e.currentTarget.value)}
                  error={form.errors.password}
                />
                <Button type="submit" fullWidth loading={login.isPending} mt="xs">Log in</Button>
              </Stack>
            </form>
          </Paper>
          <Text size="xs" c="dimmed" ta="center">
            The first operator is created when Odock first starts (ODOCK_ADMIN_EMAIL / ODOCK_ADMIN_PASSWORD).
          </Text>
        </Stack>
      </Center>
    </Box>
  );
}
