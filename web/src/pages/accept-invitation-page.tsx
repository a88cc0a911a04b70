// Accepting an invitation: the invitee chooses their own password (or, if the email already has a
// login, proves it with its password or by being logged in) and lands in the organisation.
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { api } from '../api/endpoints.ts';
import { AuthFrame } from '../components/auth-frame.tsx';
import { useFormState } from '../hooks/use-form-state.ts';
import { meQueryKey, useMe } from '../hooks/use-session.ts';

/** The token rides in the fragment (never sent to a server, never logged); `?token=` works too. */
function useInvitationToken(): string | null {
  const location = useLocation();
  return useMemo(() => new URLSearchParams(location.hash.slice(1)).get('token') ?? new URLSearchParams(location.search).get('token'), [location.hash, location.search]);
}

export function AcceptInvitationPage() {
  const token = useInvitationToken();
  const me = useMe().data;
  const qc = useQueryClient();
  const navigate = useNavigate();
  const form = useFormState({ name: '', password: '' });
  const accept = useMutation({
    mutationFn: () => api.acceptInvitation({ token: token ?? '', ...(form.values.password ? { password: form.values.password } : {}), ...(form.values.name.trim() ? { name: form.values.name.trim() } : {}) }),
    onSuccess: async (r) => {
      await qc.resetQueries({ queryKey: meQueryKey });
      await qc.fetchQuery({ queryKey: meQueryKey, queryFn: api.me });
      navigate(`/orgs/${r.organisation.id}/providers`, { replace: true });
    },
    onError: (err) => form.showApiError(err),
  });

  return (
    <AuthFrame width={420}>
      {!token ? (
        <Stack>
          <Title order={3}>Invitation link incomplete</Title>
          <Text size="sm" c="dimmed">Open the whole link you were sent, or ask your administrator for a new invitation.</Text>
          <Anchor component={Link} to="/login" size="sm">Go to sign in</Anchor>
        </Stack>
      ) : (
        <form onSubmit={(e) => { e.preventDefault(); accept.mutate(); }} noValidate>
          <Stack>
            <div>
              <Title order={3}>Accept your invitation</Title>
              <Text size="sm" c="dimmed">Choose the password you will sign in with. Nobody else ever sees or sets it.</Text>
            </div>
            {me && <Alert color="blue" variant="light">You are signed in as {me.operator.email}. If the invitation is for this email, accept without a password.</Alert>}
            {form.errors._form && <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>{form.errors._form}</Alert>}
            <TextInput label="Your name" description="Optional" autoComplete="name" value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} />
            <PasswordInput
              label="Password"
              description="At least 8 characters. If you already have an Odock login with this email, enter its password."
              autoComplete="new-password"
              data-autofocus
              value={form.values.password}
              onChange={(e) => form.set('password', e.currentTarget.value)}
              error={form.errors.password}
            />
            <Button type="submit" fullWidth loading={accept.isPending} mt="xs">Accept invitation</Button>
          </Stack>
        </form>
      )}
    </AuthFrame>
  );
}
