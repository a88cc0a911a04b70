// Rotate: a new secret on the same key (same id, grants, policies, usage), a new expiry, and a
// rotation-history entry. The old secret stops working when the call returns.
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../../api/endpoints.ts';
import type { ApiKey, RotatedApiKey } from '../../api/types.ts';
import { TimezoneSelect } from '../../components/timezone-select.tsx';
import { useFormState } from '../../hooks/use-form-state.ts';
import { useOrgId } from '../../hooks/use-session.ts';
import { toDateTimeLocal } from '../../lib/format.ts';

export function RotateModal(p: { apiKey: ApiKey; opened: boolean; onClose: () => void; onRotated: (k: RotatedApiKey) => Promise<void> }) {
  const orgId = useOrgId();
  const k = p.apiKey;
  const stillAhead = !!k.expiry && new Date(k.expiry).getTime() > Date.now();
  const initial = () => ({ expiry: stillAhead ? toDateTimeLocal(k.expiryLocal ?? k.expiry) : '', timezone: k.timezone || 'UTC' });
  const form = useFormState(initial());
  useEffect(() => { if (p.opened) { form.setValues(initial()); form.clearErrors(); } }, [p.opened]); // eslint-disable-line react-hooks/exhaustive-deps

  const rotate = useMutation({
    mutationFn: () => api.rotateApiKey(orgId, k.id, { expiry: form.values.expiry || null, timezone: form.values.timezone }),
    onSuccess: async (r) => { await p.onRotated(r); p.onClose(); },
    onError: (err) => form.showApiError(err),
  });

  return (
    <Modal opened={p.opened} onClose={p.onClose} title={<Text fw={600}>Rotate API key</Text>} size="md">
      <form onSubmit={(e) => { e.preventDefault(); rotate.mutate(); }} noValidate>
        <Stack>
          <Text size="sm">
            Rotation issues a new secret for <b>{k.name ?? 'this key'}</b>. It keeps its id, model and MCP grants, policies and usage history.
            The current secret <b>stops working immediately</b>.
          </Text>
          <TextInput
            label="New expiry"
            description="Leave empty for a key that never expires."
            type="datetime-local"
            value={form.values.expiry}
            onChange={(e) => form.set('expiry', e.currentTarget.value)}
            error={form.errors.expiry}
            data-autofocus
          />
          <TimezoneSelect value={form.values.timezone} onChange={(tz) => form.set('timezone', tz)} error={form.errors.timezone} />
          {form.errors._form && <Alert color="red" variant="light">{form.errors._form}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={p.onClose}>Cancel</Button>
            <Button type="submit" color="orange" leftSection={<IconRefresh size={16} />} loading={rotate.isPending}>Rotate key</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
