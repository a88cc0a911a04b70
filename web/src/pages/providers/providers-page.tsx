// Providers: one card per provider type; Activate creates it with the type's default base URL,
// Configure opens its detail page (seed: Initial Setup, "Activate the Provider").
import { Badge, Button, Card, Group, SimpleGrid, Skeleton, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconArrowRight, IconBolt } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { errorMessage } from '../../api/client.ts';
import { api } from '../../api/endpoints.ts';
import type { ProviderSlot } from '../../api/types.ts';
import { EnabledBadge } from '../../components/badges.tsx';
import { FormModal } from '../../components/form-modal.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { ReadOnlyNotice } from '../../components/read-only-notice.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { ProviderMark } from './provider-mark.tsx';

const BLURB: Record<string, string> = {
  OPENAI: 'GPT models through the OpenAI API.',
  ANTHROPIC: 'Claude models through the Anthropic Messages API.',
  GOOGLE: 'Gemini models through the Google Generative Language API.',
  AZURE_OPENAI: 'OpenAI models deployed in your Azure subscription.',
  MISTRAL: 'Mistral and Codestral models.',
  VLLM: 'Any OpenAI-compatible server: vLLM, Ollama, LM Studio, Groq, Together, OpenRouter…',
  CUSTOM: 'Another OpenAI-compatible endpoint with your own base URL.',
};

export function providersKey(orgId: string) {
  return ['org', orgId, 'providers'] as const;
}

export function ProvidersPage() {
  const orgId = useOrgId();
  const query = useQuery({ queryKey: providersKey(orgId), queryFn: () => api.listProviders(orgId) });
  return (
    <>
      <PageHeader title="Providers" description="Activate the upstream LLM providers this organisation uses, then add their API keys. Provider keys are encrypted and never shown again." />
      <ReadOnlyNotice />
      {query.isLoading ? (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {Array.from({ length: 6 }, (_, i) => <Skeleton key={i} height={190} radius="md" />)}
        </SimpleGrid>
      ) : (
        <QueryState query={query} what="provider list">
          {(data) => (
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
              {data.items.map((slot) => <ProviderCard key={slot.type} slot={slot} />)}
            </SimpleGrid>
          )}
        </QueryState>
      )}
    </>
  );
}

function ProviderCard({ slot }: { slot: ProviderSlot }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [askUrl, setAskUrl] = useState(false);
  const activate = useMutation({
    mutationFn: (baseUrl?: string) => api.activateProvider(orgId, slot.type, baseUrl ? { baseUrl } : {}),
    onSuccess: async (p) => {
      await qc.invalidateQueries({ queryKey: providersKey(orgId) });
      notifications.show({
        color: 'teal',
        title: `${slot.displayName} activated`,
        message: p.baseUrl ? `Using ${p.baseUrl}. Configure it to add a provider key.` : 'Configure it to set its base URL and add a provider key.',
      });
    },
    // With the base URL dialog open, its field shows the error instead.
    onError: (err) => { if (!askUrl) notifications.show({ color: 'red', title: `Could not activate ${slot.displayName}`, message: errorMessage(err) }); },
  });
  const p = slot.provider;
  const needsUrl = slot.active && p && !p.baseUrl;

  return (
    <Card withBorder radius="md" padding="lg" aria-label={`${slot.displayName} provider`} component="section">
      <Stack gap="sm" h="100%">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap="sm" wrap="nowrap">
            <ProviderMark type={slot.type} />
            <div style={{ minWidth: 0 }}>
              <Text fw={600} lh={1.3}>{slot.displayName}</Text>
              <Text size="xs" c="dimmed" ff="monospace">{slot.type}</Text>
            </div>
          </Group>
          {slot.active
            ? <Badge color="teal" variant="light" style={{ flexShrink: 0 }}>Active</Badge>
            : <Badge color="gray" variant="light" style={{ flexShrink: 0 }}>Inactive</Badge>}
        </Group>
        <Text size="sm" c="dimmed" style={{ flex: 1 }}>{BLURB[slot.type] ?? ''}</Text>
        {p && (
          <Stack gap={4}>
            <Group gap={6} wrap="nowrap">
              <Text size="xs" c="dimmed" w={58}>Base URL</Text>
              {p.baseUrl ? (
                <Tooltip label={p.baseUrl}><Text size="xs" ff="monospace" truncate="end">{p.baseUrl}</Text></Tooltip>
              ) : (
                <Group gap={4}><IconAlertTriangle size={13} color="var(--mantine-color-orange-6)" /><Text size="xs" c="orange.7">Not set</Text></Group>
              )}
            </Group>
            <Group gap={6}><Text size="xs" c="dimmed" w={58}>Status</Text><EnabledBadge enabled={p.enabled} /></Group>
          </Stack>
        )}
        <Group justify="flex-end" mt="xs">
          {slot.active && p ? (
            <Button
              variant={needsUrl ? 'filled' : 'light'}
              rightSection={<IconArrowRight size={16} />}
              component={Link}
              to={`/orgs/${orgId}/providers/${p.id}`}
              aria-label={`Configure ${slot.displayName}`}
            >
              Configure
            </Button>
          ) : (
            <Button
              variant="light"
              leftSection={<IconBolt size={16} />}
              // Types without a default base URL (Azure, custom) ask for one first.
              onClick={() => (slot.defaultBaseUrl === '' ? setAskUrl(true) : activate.mutate(undefined))}
              loading={activate.isPending}
              disabled={!canMutate}
              aria-label={`Activate ${slot.displayName}`}
            >
              Activate
            </Button>
          )}
        </Group>
      </Stack>
      <ActivateWithUrlModal
        opened={askUrl}
        onClose={() => setAskUrl(false)}
        name={slot.displayName}
        onActivate={async (baseUrl) => {
          const prov = await activate.mutateAsync(baseUrl);
          setAskUrl(false);
          navigate(`/orgs/${orgId}/providers/${prov.id}`);
        }}
      />
    </Card>
  );
}

function ActivateWithUrlModal(p: { opened: boolean; onClose: () => void; name: string; onActivate: (baseUrl: string) => Promise<void> }) {
  const form = useFormState({ baseUrl: '' });
  const [busy, setBusy] = useState(false);
  useResetOnOpen(form, p.opened, () => ({ baseUrl: '' }));
  const submit = async () => {
    setBusy(true);
    try {
      await p.onActivate(form.values.baseUrl.trim());
    } catch (err) {
      form.showApiError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormModal opened={p.opened} onClose={p.onClose} title={<>Activate {p.name}</>} onSubmit={() => void submit()} submitLabel="Activate" busy={busy}>
      <Text size="sm" c="dimmed">This provider has no default endpoint. Enter the base URL Odock should call.</Text>
      <TextInput label="Base URL" required data-autofocus placeholder="https://my-resource.openai.azure.com/openai/v1" value={form.values.baseUrl}
        onChange={(e) => form.set('baseUrl', e.currentTarget.value)} error={form.errors.baseUrl ?? form.errors._form} />
    </FormModal>
  );
}
