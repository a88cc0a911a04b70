import { Alert, Button, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { AuthFrame } from '../components/auth-frame.tsx';
import { useFormState } from '../hooks/use-form-state.ts';
import { meQueryKey, useMe } from '../hooks/use-session.ts';
import { SsoButtons, useAuthProviders } from './sso-buttons.tsx';

export function LoginPage() {
  const me = useMe();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const next = params.get('next');
  const safeNext = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  const form = useFormState({ email: '', password: '' });
  const passwordLogin = useAuthProviders().data?.passwordLogin !== false;
  // After a super-admin reset the password is right but must be replaced before a session opens.
  const [mustChange, setMustChange] = useState<{ email: string; currentPassword: string } | null>(null);
  const loadSession = async () => {
    // Loading the session re-renders this page, whose <Navigate> below goes on to `next`. Navigating
    // here as well raced it: a second, late navigation to '/' left the console on a blank page.
    await qc.resetQueries({ queryKey: meQueryKey });
    await qc.fetchQuery({ queryKey: meQueryKey, queryFn: api.me });
  };

  const login = useMutation({
    mutationFn: () => api.login(form.values.email.trim(), form.values.password),
    onSuccess: loadSession,
    onError: (err) => {
      if (err instanceof ApiError && err.code === 'password_change_required') setMustChange({ email: form.values.email.trim(), currentPassword: form.values.password });
      else if (err instanceof ApiError && err.status === 401) form.setError('_form', 'Incorrect email or password.');
      else if (err instanceof ApiError && err.code === 'too_many_attempts') form.setError('_form', err.message);
      else form.showApiError(err);
    },
  });

  if (me.data) return <Navigate to={safeNext} replace />;
  if (mustChange) return <LoginFrame><NewPasswordForm {...mustChange} onDone={loadSession} onCancel={() => setMustChange(null)} /></LoginFrame>;

  if (!passwordLogin) {
    return (
      <LoginFrame>
        <Stack>
          <Title order={3}>Sign in to the console</Title>
          <SsoButtons divider={false} />
        </Stack>
      </LoginFrame>
    );
  }

  return (
    <LoginFrame>
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
          <SsoButtons divider />
        </Stack>
      </form>
    </LoginFrame>
  );
}

function LoginFrame({ children }: { children: React.ReactNode }) {
  const note = (
    <Text size="xs" c="dimmed" ta="center">
      The first operator is created when Odock first starts (ODOCK_ADMIN_EMAIL / ODOCK_ADMIN_PASSWORD).
    </Text>
  );
  return <AuthFrame width={400} footer={note}>{children}</AuthFrame>;
}

function NewPasswordForm({ email, currentPassword, onDone, onCancel }: { email: string; currentPassword: string; onDone: () => Promise<void>; onCancel: () => void }) {
  const form = useFormState({ newPassword: '', confirm: '' });
  const change = useMutation({
    mutationFn: () => api.changePassword({ email, currentPassword, newPassword: form.values.newPassword }),
    onSuccess: onDone,
    onError: (err) => form.showApiError(err),
  });
  return (
    <form onSubmit={(e) => {
      e.preventDefault();
      if (form.values.newPassword !== form.values.confirm) form.setError('confirm', 'The two passwords differ.');
      else change.mutate();
    }} noValidate>
      <Stack>
        <div>
          <Title order={3}>Choose a new password</Title>
          <Text size="sm" c="dimmed">Your password for {email} was reset by an administrator. Choose your own to continue.</Text>
        </div>
        {form.errors._form && <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>{form.errors._form}</Alert>}
        <PasswordInput label="New password" description="At least 8 characters" autoComplete="new-password" required data-autofocus value={form.values.newPassword} onChange={(e) => form.set('newPassword', e.currentTarget.value)} error={form.errors.newPassword} />
        <PasswordInput label="Confirm new password" autoComplete="new-password" required value={form.values.confirm} onChange={(e) => form.set('confirm', e.currentTarget.value)} error={form.errors.confirm} />
        <Button type="submit" fullWidth loading={change.isPending} mt="xs">Set password and continue</Button>
        <Button variant="subtle" color="gray" onClick={onCancel}>Back to sign in</Button>
      </Stack>
    </form>
  );
}
