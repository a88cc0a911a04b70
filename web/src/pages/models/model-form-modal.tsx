// Add Model (manual), Add Variant (same upstream, another name) and Edit Model share this form.
import { NumberInput, Select, SimpleGrid, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/endpoints.ts';
import type { Model } from '../../api/types.ts';
import { FormModal } from '../../components/form-modal.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { useOrgId } from '../../hooks/use-session.ts';
import { PROVIDER_LABEL } from '../../lib/format.ts';
import { MODEL_TYPES, modelsKey, useActiveProviders, useProviderKeys } from './model-queries.ts';

type Mode = { kind: 'create' } | { kind: 'variant'; of: Model } | { kind: 'edit'; model: Model };

const FIELD_MAP = {
  'pricing.inputPerMTok': 'inputPerMTok',
  'pricing.outputPerMTok': 'outputPerMTok',
  'pricing.cachedInputPerMTok': 'cachedInputPerMTok',
  pricing: 'inputPerMTok',
} as const;

function initialValues(mode: Mode) {
  const m = mode.kind === 'edit' ? mode.model : mode.kind === 'variant' ? mode.of : null;
  return {
    name: mode.kind === 'edit' ? m!.name : mode.kind === 'variant' ? `${m!.name}-variant` : '',
    slug: m?.slug ?? '',
    providerId: m?.providerId ?? '',
    providerApiKeyId: m?.providerApiKeyId ?? '',
    type: m?.type ?? 'chat',
    inputPerMTok: (m?.pricing?.inputPerMTok ?? '') as number | '',
    outputPerMTok: (m?.pricing?.outputPerMTok ?? '') as number | '',
    cachedInputPerMTok: (m?.pricing?.cachedInputPerMTok ?? '') as number | '',
  };
}

export function ModelFormModal({ opened, onClose, mode = { kind: 'create' } }: { opened: boolean; onClose: () => void; mode?: Mode }) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { providers } = useActiveProviders(orgId);
  const form = useFormState(initialValues(mode));
  const v = form.values;
  const keys = useProviderKeys(orgId, v.providerId || null);
  useResetOnOpen(form, opened, () => initialValues(mode));

  const pricing = () => {
    const p: Record<string, number> = {};
    if (v.inputPerMTok !== '') p.inputPerMTok = v.inputPerMTok;
    if (v.outputPerMTok !== '') p.outputPerMTok = v.outputPerMTok;
    if (v.cachedInputPerMTok !== '') p.cachedInputPerMTok = v.cachedInputPerMTok;
    return p;
  };

  const save = useMutation({
    mutationFn: async () => {
      if (mode.kind === 'edit') {
        return api.updateModel(orgId, mode.model.id, {
          name: v.name.trim(), slug: v.slug.trim(), providerApiKeyId: v.providerApiKeyId || null, type: v.type, pricing: pricing(),
        });
      }
      // Every missing field at once, not one per attempt.
      const missing: [keyof typeof v, string][] = [];
      if (!v.name.trim()) missing.push(['name', 'Enter the name clients will send']);
      if (!v.providerId) missing.push(['providerId', 'Select a provider']);
      if (!v.slug.trim()) missing.push(['slug', 'Enter the provider\'s model id']);
      if (missing.length) {
        for (const [f, m] of missing) form.setError(f, m);
        throw new Error('missing');
      }
      return api.createModel(orgId, {
        name: v.name.trim(), slug: v.slug.trim(), providerId: v.providerId, providerApiKeyId: v.providerApiKeyId || null, type: v.type, pricing: pricing(),
        ...(mode.kind === 'variant' ? { capabilities: mode.of.capabilities } : {}),
      });
    },
    onSuccess: async (m) => {
      await qc.invalidateQueries({ queryKey: modelsKey(orgId) });
      qc.setQueryData([...modelsKey(orgId), m.id], m);
      notifications.show({ color: 'teal', message: mode.kind === 'edit' ? `Model ${m.name} saved` : `Model ${m.name} created` });
      onClose();
      if (mode.kind !== 'edit') navigate(`/orgs/${orgId}/models/${m.id}`);
    },
    onError: (err) => { if (!(err instanceof Error && err.message === 'missing')) form.showApiError(err, FIELD_MAP); },
  });

  const title = mode.kind === 'edit' ? `Edit ${mode.model.name}` : mode.kind === 'variant' ? `Add a variant of ${mode.of.name}` : 'Add Model';
  const price = (k: 'inputPerMTok' | 'outputPerMTok' | 'cachedInputPerMTok', label: string) => (
    <NumberInput
      label={label}
      prefix="$"
      min={0}
      decimalScale={6}
      value={v[k]}
      onChange={(x) => form.set(k, x === '' ? '' : Number(x))}
      error={form.errors[k]}
    />
  );

  return (
    <FormModal opened={opened} onClose={onClose} title={title} size="lg" onSubmit={() => save.mutate()} submitLabel={mode.kind === 'edit' ? 'Save changes' : 'Create model'} busy={save.isPending}>
      {mode.kind === 'variant' && (
        <Text size="sm" c="dimmed">
          A variant is another model name for the same upstream model, so it can carry its own pricing, policies and grants (e.g. a per-client name).
        </Text>
      )}
      <TextInput
        label="Name"
        description="The model name clients send, unique in this organisation."
        required
        data-autofocus
        value={v.name}
        onChange={(e) => form.set('name', e.currentTarget.value)}
        error={form.errors.name}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label="Provider"
          required
          data={providers.map((p) => ({ value: p.id, label: p.name || PROVIDER_LABEL[p.type] || p.type }))}
          value={v.providerId || null}
          onChange={(x) => { form.set('providerId', x ?? ''); form.set('providerApiKeyId', ''); }}
          disabled={mode.kind !== 'create'}
          error={form.errors.providerId}
        />
        <Select
          label="Provider key"
          data={(keys.data?.items ?? []).filter((k) => !k.revoked || k.id === v.providerApiKeyId).map((k) => ({ value: k.id, label: `${k.name} (…${k.keyPreview})` }))}
          value={v.providerApiKeyId || null}
          onChange={(x) => form.set('providerApiKeyId', x ?? '')}
          disabled={!v.providerId}
          clearable
          placeholder={v.providerId ? 'Select a key' : 'Select a provider first'}
          error={form.errors.providerApiKeyId}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Upstream slug"
          description="The model id the provider knows."
          required
          value={v.slug}
          onChange={(e) => form.set('slug', e.currentTarget.value)}
          error={form.errors.slug}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <Select label="Type" data={[...MODEL_TYPES]} value={v.type} onChange={(x) => form.set('type', x ?? 'chat')} allowDeselect={false} error={form.errors.type} />
      </SimpleGrid>
      <div>
        <Text size="sm" fw={500} mb={4}>Pricing (USD per million tokens)</Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {price('inputPerMTok', 'Input')}
          {price('outputPerMTok', 'Output')}
          {price('cachedInputPerMTok', 'Cached input')}
        </SimpleGrid>
      </div>
      {form.errors._form && <Text c="red" size="sm">{form.errors._form}</Text>}
    </FormModal>
  );
}
