// Rotate: a new secret on the same key (same id, grants, policies, usage), a new expiry, and a
// rotation-history entry. The old secret stops working when the call returns.
import { Alert, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../api/endpoints.ts';
import type { ApiKey, RotatedApiKey } from '../../api/types.ts';
import { FormModal } from '../../components/form-modal.tsx';
import { TimezoneSelect } from '../../components/timezone-select.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { useOrgId } from '../../hooks/use-session.ts';
import { toDateTimeLocal } from '../../lib/format.ts';
import { DateTimeField } from '../../components/date-time-field.tsx';

export function RotateModal(p: { apiKey: ApiKey; opened: boolean; onClose: () => void; onRotated: (k: RotatedApiKey) => Promise<void> }) {
  const orgId = useOrgId();
  const k = p.apiKey;
  const stillAhead = !!k.expiry && new Date(k.expiry).getTime() > Date.now();
  const initial = () => ({ expiry: stillAhead ? toDateTimeLocal(k.expiryLocal ?? k.expiry) : '', timezone: k.timezone || 'UTC' });
  const form = useFormState(initial());
  useResetOnOpen(form, p.opened, initial);

  const rotate = useMutation({
    mutationFn: () => api.rotateApiKey(orgId, k.id, { expiry: form.values.expiry || null, timezone: form.values.timezone }),
    onSuccess: async (r) => { await p.onRotated(r); p.onClose(); },
    onError: (err) => form.showApiError(err),
  });

  return (
    <FormModal
      opened={p.opened}
      onClose={p.onClose}
      title="Rotate API key"
      size="md"
      onSubmit={() => rotate.mutate()}
      submitLabel="Rotate key"
      submitProps={{ color: 'orange', leftSection: <IconRefresh size={16} /> }}
      busy={rotate.isPending}
    >
      <Text size="sm">
        Rotation issues a new secret for <b>{k.name ?? 'this key'}</b>. It keeps its id, model and MCP grants, policies and usage history.
        The current secret <b>stops working immediately</b>.
      </Text>
      <DateTimeField
        label="New expiry"
        description="Leave empty for a key that never expires."
        value={form.values.expiry}
        onChange={(x) => form.set('expiry', x)}
        error={form.errors.expiry}
      />
      <TimezoneSelect value={form.values.timezone} onChange={(tz) => form.set('timezone', tz)} error={form.errors.timezone} />
      {form.errors._form && <Alert color="red" variant="light">{form.errors._form}</Alert>}
    </FormModal>
  );
}
