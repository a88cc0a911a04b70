// Add New API Key: Type (with the owner picker the type requires), Expiry, Timezone → Next →
// review → Create API Key (seed: "Create a Virtual API Key"). Server validation errors go back
// to the first step, next to the field they name.
import { Alert, Button, Group, Modal, Select, Stack, Stepper, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/endpoints.ts';
import type { ApiKeyType } from '../../api/types.ts';
import { DetailList } from '../../components/detail-list.tsx';
import { TimezoneSelect } from '../../components/timezone-select.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { useOrgId } from '../../hooks/use-session.ts';
import { API_KEY_TYPE_LABEL, browserTimeZone, isPastExpiry, nowInZone } from '../../lib/format.ts';
import { apiKeysKey, useOwners } from './api-key-queries.ts';
import { DateTimeField, parseLocal } from '../../components/date-time-field.tsx';

const initial = () => ({ name: '', type: 'ORGANISATION' as ApiKeyType, teamId: '', userId: '', expiry: '', timezone: browserTimeZone() });

export function CreateApiKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const owners = useOwners(orgId);
  const form = useFormState(initial());
  const [step, setStep] = useState(0);
  const v = form.values;

  useResetOnOpen(form, opened, initial, () => setStep(0));
  const close = onClose;

  const next = () => {
    form.clearErrors();
    if (v.type === 'TEAM' && !v.teamId) return form.setError('teamId', 'Select the team that owns this key');
    if (v.type === 'USER' && !v.userId) return form.setError('userId', 'Select the user who owns this key');
    if (v.expiry && !parseLocal(v.expiry)) return form.setError('expiry', 'Enter a date and time like 2031-06-30 18:00');
    // A past expiry is refused here, where it was entered, not one step later at Create.
    if (isPastExpiry(v.expiry, v.timezone)) return form.setError('expiry', `Choose an expiry in the future (it is now ${nowInZone(v.timezone).replace('T', ' ')} in ${v.timezone})`);
    setStep(1);
  };

  const create = useMutation({
    mutationFn: () => api.createApiKey(orgId, {
      type: v.type,
      ...(v.type === 'TEAM' ? { teamId: v.teamId } : {}),
      ...(v.type === 'USER' ? { userId: v.userId } : {}),
      ...(v.name.trim() ? { name: v.name.trim() } : {}),
      ...(v.expiry ? { expiry: v.expiry } : {}),
      timezone: v.timezone,
    }),
    onSuccess: async (k) => {
      await qc.invalidateQueries({ queryKey: apiKeysKey(orgId) });
      notifications.show({ color: 'teal', title: 'API key created', message: 'Grant it model access, then reveal it once from the Details tab.' });
      close();
      navigate(`/orgs/${orgId}/api-keys/${k.id}`);
    },
    onError: (err) => {
      const field = form.showApiError(err);
      if (field !== '_form') setStep(0);
    },
  });

  const ownerName = v.type === 'TEAM' ? owners.teamById.get(v.teamId)?.name : v.type === 'USER' ? (owners.userById.get(v.userId)?.name || owners.userById.get(v.userId)?.email) : undefined;

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={600}>Add New API Key</Text>} size="lg">
      <Stepper active={step} size="sm" mb="lg" allowNextStepsSelect={false} onStepClick={setStep}>
        <Stepper.Step label="Key details" description="Type, owner, expiry" />
        <Stepper.Step label="Review" description="Create the key" />
      </Stepper>
      {step === 0 ? (
        <form onSubmit={(e) => { e.preventDefault(); next(); }} noValidate>
          <Stack>
            <TextInput label="Name" description="Optional, to recognise the key later." placeholder="e.g. billing-service" value={v.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} data-autofocus />
            <Select
              label="Type"
              description="Who the key belongs to, for access and usage attribution."
              data={(['ORGANISATION', 'TEAM', 'USER'] as const).map((t) => ({ value: t, label: API_KEY_TYPE_LABEL[t] }))}
              value={v.type}
              onChange={(t) => { form.set('type', (t ?? 'ORGANISATION') as ApiKeyType); form.set('teamId', ''); form.set('userId', ''); }}
              allowDeselect={false}
              error={form.errors.type}
            />
            {v.type === 'TEAM' && (
              <Select label="Team" required searchable placeholder={owners.teams.length ? 'Select a team' : 'No teams yet: create one on the Teams page'}
                data={owners.teams.map((t) => ({ value: t.id, label: t.name }))} value={v.teamId || null} onChange={(x) => form.set('teamId', x ?? '')} error={form.errors.teamId} />
            )}
            {v.type === 'USER' && (
              <Select label="User" required searchable placeholder={owners.users.length ? 'Select a user' : 'No users yet: add one on the Users page'}
                data={owners.users.map((u) => ({ value: u.id, label: u.name ? `${u.name} (${u.email})` : u.email }))} value={v.userId || null} onChange={(x) => form.set('userId', x ?? '')} error={form.errors.userId} />
            )}
            <DateTimeField
              label="Expiry"
              description="Optional. After this date and time (in the timezone below) the key stops working."
              value={v.expiry}
              onChange={(x) => form.set('expiry', x)}
              error={form.errors.expiry}
            />
            <TimezoneSelect value={v.timezone} onChange={(tz) => form.set('timezone', tz)} error={form.errors.timezone} />
            {form.errors._form && <Alert color="red" variant="light">{form.errors._form}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>Cancel</Button>
              <Button type="submit">Next</Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Stack>
          <DetailList
            items={[
              ['Name', v.name.trim() || <Text span c="dimmed" size="sm">Unnamed</Text>],
              ['Type', API_KEY_TYPE_LABEL[v.type]],
              ...(ownerName ? [[v.type === 'TEAM' ? 'Team' : 'User', ownerName] as [string, string]] : []),
              ['Expiry', v.expiry ? `${v.expiry.replace('T', ' ')} (${v.timezone})` : 'Never'],
              ['Timezone', v.timezone],
            ]}
          />
          <Alert variant="light" icon={<IconInfoCircle size={18} />}>
            The key cannot call any model until you grant it model access. Its full value can be revealed only once.
          </Alert>
          {form.errors._form && <Alert color="red" variant="light">{form.errors._form}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setStep(0)}>Back</Button>
            <Button onClick={() => create.mutate()} loading={create.isPending}>Create API Key</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
