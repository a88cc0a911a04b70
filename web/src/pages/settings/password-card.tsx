// Changing one's own password, with the current one. Every other session and every access token
// of the operator ends with it (the server does that); this browser stays signed in.
import { Alert, Button, Card, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/endpoints.ts';
import { useFormState } from '../../hooks/use-form-state.ts';

export function PasswordCard() {
  const qc = useQueryClient();
  const empty = { currentPassword: '', newPassword: '', confirm: '' };
  const form = useFormState(empty);
  const change = useMutation({
    mutationFn: () => api.changePassword({ currentPassword: form.values.currentPassword, newPassword: form.values.newPassword }),
    onSuccess: async () => {
      form.setValues(empty);
      await qc.invalidateQueries({ queryKey: ['tokens'] });
      notifications.show({ color: 'teal', message: 'Password changed. Your other sessions and your access tokens have ended.' });
    },
    onError: (err) => form.showApiError(err),
  });
  const v = form.values;
  return (
    <Card withBorder radius="md" padding="lg">
      <form onSubmit={(e) => {
        e.preventDefault();
        if (v.newPassword !== v.confirm) form.setError('confirm', 'The two passwords differ.');
        else change.mutate();
      }} noValidate aria-label="Change password">
        <Stack>
          <div>
            <Title order={4}>Change password</Title>
            <Text size="sm" c="dimmed">Signs you out everywhere else and ends your access tokens.</Text>
          </div>
          <Group align="flex-start" grow maw={860}>
            <PasswordInput label="Current password" autoComplete="current-password" required value={v.currentPassword} onChange={(e) => form.set('currentPassword', e.currentTarget.value)} error={form.errors.currentPassword} />
            <PasswordInput label="New password" description="At least 8 characters" autoComplete="new-password" required value={v.newPassword} onChange={(e) => form.set('newPassword', e.currentTarget.value)} error={form.errors.newPassword} />
            <PasswordInput label="Confirm new password" autoComplete="new-password" required value={v.confirm} onChange={(e) => form.set('confirm', e.currentTarget.value)} error={form.errors.confirm} />
          </Group>
          {form.errors._form && <Alert color="red" variant="light">{form.errors._form}</Alert>}
          <Group><Button type="submit" loading={change.isPending} disabled={!v.currentPassword || !v.newPassword}>Change password</Button></Group>
        </Stack>
      </form>
    </Card>
  );
}
