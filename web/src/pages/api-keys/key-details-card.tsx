import { Anchor, Badge, Button, Card, Group, Text, TextInput, Title } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/endpoints.ts';
import type { ApiKey } from '../../api/types.ts';
import { IdText } from '../../components/badges.tsx';
import { DetailList } from '../../components/detail-list.tsx';
import { FormModal } from '../../components/form-modal.tsx';
import { TimezoneSelect } from '../../components/timezone-select.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { API_KEY_TYPE_LABEL, browserTimeZone, formatDateTime, formatDateTimeIn, formatRelative, toDateTimeLocal } from '../../lib/format.ts';
import { apiKeyKey, apiKeysKey, ownerLabel, useOwners } from './api-key-queries.ts';
import { DateTimeField } from '../../components/date-time-field.tsx';

export function KeyDetailsCard({ apiKey: k }: { apiKey: ApiKey }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const owners = useOwners(orgId);
  const [editing, setEditing] = useState(false);
  const ownerLink = k.type === 'TEAM' && k.teamId
    ? <Anchor component={Link} to={`/orgs/${orgId}/teams/${k.teamId}`} size="sm">{ownerLabel(k, owners)}</Anchor>
    : ownerLabel(k, owners);

  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="sm">
        <Title order={4}>Key details</Title>
        {canMutate && <Button size="xs" variant="subtle" leftSection={<IconPencil size={14} />} onClick={() => setEditing(true)}>Edit</Button>}
      </Group>
      <DetailList
        items={[
          ['Type', API_KEY_TYPE_LABEL[k.type]],
          ['Owner', ownerLink],
          ['Expiry', k.expiry ? <>{formatDateTimeIn(k.expiry, k.timezone)}<Text size="xs" c="dimmed">{formatDateTimeIn(k.expiry, browserTimeZone())} (your time)</Text></> : 'Never'],
          ['Timezone', k.timezone],
          ['Revealed', k.revealed ? <Badge variant="light" color="gray">Yes</Badge> : <Badge variant="light" color="yellow">Not yet</Badge>],
          ['Created', formatDateTime(k.createdAt)],
          ['Last used', formatRelative(k.lastUsedAt)],
          ['ID', <IdText id={k.id} />],
        ]}
      />
      <EditKeyModal apiKey={k} opened={editing} onClose={() => setEditing(false)} />
    </Card>
  );
}

function EditKeyModal({ apiKey: k, opened, onClose }: { apiKey: ApiKey; opened: boolean; onClose: () => void }) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const initial = () => ({ name: k.name ?? '', expiry: toDateTimeLocal(k.expiryLocal), timezone: k.timezone || 'UTC' });
  const form = useFormState(initial());
  useResetOnOpen(form, opened, initial);
  const save = useMutation({
    mutationFn: () => {
      const v = form.values;
      const expiryChanged = v.expiry !== toDateTimeLocal(k.expiryLocal) || v.timezone !== k.timezone;
      return api.updateApiKey(orgId, k.id, {
        name: v.name.trim() || null,
        ...(expiryChanged ? { expiry: v.expiry || null, timezone: v.timezone } : {}),
      });
    },
    onSuccess: async (updated) => {
      qc.setQueryData(apiKeyKey(orgId, k.id), updated);
      await qc.invalidateQueries({ queryKey: apiKeysKey(orgId) });
      onClose();
    },
    onError: (err) => form.showApiError(err),
  });
  return (
    <FormModal opened={opened} onClose={onClose} title="Edit API key" onSubmit={() => save.mutate()} submitLabel="Save changes" busy={save.isPending}>
      <TextInput label="Name" value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} data-autofocus />
      <DateTimeField label="Expiry" description="Leave empty for no expiry." value={form.values.expiry} onChange={(x) => form.set('expiry', x)} error={form.errors.expiry} />
      <TimezoneSelect value={form.values.timezone} onChange={(tz) => form.set('timezone', tz)} error={form.errors.timezone} />
      {form.errors._form && <Text c="red" size="sm">{form.errors._form}</Text>}
    </FormModal>
  );
}
