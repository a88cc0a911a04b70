// "Batch Create Models From Provider Catalog": pick a provider and one of its keys, search and
// filter the built-in catalog, select many, Create Selected Models (all or nothing on the server).
import { Alert, Badge, Button, Group, Modal, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconBooks, IconSearch } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api/client.ts';
import { api, fetchAll } from '../../api/endpoints.ts';
import { DataTable } from '../../components/data-table.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { useOrgId } from '../../hooks/use-session.ts';
import { formatContext, formatPrice, PROVIDER_LABEL } from '../../lib/format.ts';
import { MODEL_TYPES, modelsKey, useActiveProviders, useProviderKeys } from './model-queries.ts';

export function CatalogDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const { providers } = useActiveProviders(orgId);
  const [providerId, setProviderId] = useState<string | null>(null);
  const [keyId, setKeyId] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 200);
  const [type, setType] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);

  const provider = providers.find((p) => p.id === providerId) ?? null;
  const keys = useProviderKeys(orgId, providerId);
  const usableKeys = (keys.data?.items ?? []).filter((k) => !k.revoked);

  // One provider or one key: pre-select it, the operator would pick it anyway.
  useEffect(() => { if (opened && !providerId && providers.length === 1) setProviderId(providers[0]!.id); }, [opened, providers, providerId]);
  useEffect(() => { if (!keyId && usableKeys.length === 1) setKeyId(usableKeys[0]!.id); }, [usableKeys, keyId]);

  const catalog = useQuery({
    queryKey: ['catalog', provider?.type, q, type],
    queryFn: () => api.catalog({ providerType: provider!.type, q: q || undefined, type: type ?? undefined }),
    enabled: opened && !!provider,
  });
  // Batch-created models are named after their slug; those names already taken are shown as added.
  const existing = useQuery({
    queryKey: [...modelsKey(orgId), 'names', providerId],
    queryFn: () => fetchAll((p) => api.listModels(orgId, { ...p, providerId })),
    enabled: opened && !!providerId,
  });
  const existingNames = useMemo(() => new Set((existing.data?.items ?? []).map((m) => m.name)), [existing.data]);

  const reset = () => {
    setProviderId(null); setKeyId(null); setSearch(''); setType(null); setSelected(new Set()); setError(null);
  };
  // Reset when opening, not when closing: the dialog fades out showing what was submitted.
  useEffect(() => { if (opened) reset(); }, [opened]); // eslint-disable-line react-hooks/exhaustive-deps
  const close = onClose;

  const create = useMutation({
    mutationFn: () => api.batchCreateModels(orgId, { providerId: providerId!, providerApiKeyId: keyId!, slugs: [...selected] }),
    onSuccess: async (res) => {
      await qc.invalidateQueries({ queryKey: modelsKey(orgId) });
      notifications.show({ color: 'teal', title: `${res.items.length} model${res.items.length === 1 ? '' : 's'} created`, message: res.items.map((m) => m.name).join(', ') });
      close();
    },
    onError: (err) => setError(errorMessage(err)),
  });

  const rows = catalog.data?.items ?? [];
  return (
    <Modal
      opened={opened}
      onClose={close}
      size="xl"
      title={<Group gap="sm"><IconBooks size={20} color="var(--mantine-color-indigo-6)" /><Text fw={600}>Batch Create Models From Provider Catalog</Text></Group>}
    >
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Provider"
            placeholder={providers.length ? 'Select a provider' : 'No active provider'}
            data={providers.map((p) => ({ value: p.id, label: p.name || PROVIDER_LABEL[p.type] || p.type }))}
            value={providerId}
            onChange={(v) => { setProviderId(v); setKeyId(null); setSelected(new Set()); setError(null); }}
            allowDeselect={false}
            required
          />
          <Select
            label="Provider key"
            placeholder={!providerId ? 'Select a provider first' : usableKeys.length ? 'Select a key' : 'This provider has no key'}
            data={usableKeys.map((k) => ({ value: k.id, label: `${k.name} (…${k.keyPreview})` }))}
            value={keyId}
            onChange={setKeyId}
            disabled={!providerId}
            allowDeselect={false}
            required
          />
        </SimpleGrid>
        {providers.length === 0 && (
          <Alert color="orange" variant="light" icon={<IconAlertCircle size={18} />}>
            No provider is active yet. <Link to={`/orgs/${orgId}/providers`} onClick={close}>Activate one on the Providers page</Link>.
          </Alert>
        )}
        {providerId && keys.isSuccess && usableKeys.length === 0 && (
          <Alert color="orange" variant="light" icon={<IconAlertCircle size={18} />}>
            This provider has no usable key. <Link to={`/orgs/${orgId}/providers/${providerId}`} onClick={close}>Add a provider key</Link> first.
          </Alert>
        )}
        <Group gap="sm" wrap="wrap">
          <SearchInput placeholder="Search the catalog, e.g. gpt-4.1" aria-label="Search the catalog" value={search} onSearch={setSearch} disabled={!provider} style={{ flex: '1 1 240px' }} />
          <Select
            placeholder="All types"
            aria-label="Catalog type filter"
            data={MODEL_TYPES.map((t) => ({ value: t, label: t }))}
            value={type}
            onChange={setType}
            clearable
            disabled={!provider}
            w={160}
          />
        </Group>
        <div style={{ maxHeight: '45vh', overflowY: 'auto' }}>
          <DataTable
            label="Catalog models"
            rows={provider ? rows : []}
            rowKey={(m) => m.slug}
            loading={!!provider && catalog.isLoading}
            error={catalog.error}
            onRetry={() => void catalog.refetch()}
            minWidth={620}
            selection={{ selected, onChange: setSelected, isSelectable: (m) => !existingNames.has(m.slug), label: (m) => m.slug }}
            empty={provider
              ? { icon: <IconSearch size={22} />, title: 'Nothing in the catalog matches', description: 'Try another search or type.' }
              : { icon: <IconBooks size={22} />, title: 'Select a provider', description: 'Its catalog of known models appears here.' }}
            columns={[
              {
                key: 'slug', header: 'Model',
                render: (m) => (
                  <div>
                    <Group gap={6}><Text size="sm" fw={600} ff="monospace">{m.slug}</Text>{existingNames.has(m.slug) && <Badge size="xs" color="teal" variant="light">Added</Badge>}</Group>
                    <Text size="xs" c="dimmed">{m.name}</Text>
                  </div>
                ),
              },
              { key: 'type', header: 'Type', render: (m) => <Badge variant="light" color="gray" radius="sm">{m.type}</Badge> },
              { key: 'ctx', header: 'Context', render: (m) => <Text size="sm">{formatContext(m.contextWindow)}</Text> },
              { key: 'in', header: 'Input / 1M', align: 'right', render: (m) => <Text size="sm">{formatPrice(m.pricing.inputPerMTok)}</Text> },
              { key: 'out', header: 'Output / 1M', align: 'right', render: (m) => <Text size="sm">{formatPrice(m.pricing.outputPerMTok)}</Text> },
            ]}
          />
        </div>
        {error && <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>{error}</Alert>}
        <Group justify="space-between">
          <Text size="sm" c="dimmed">{selected.size} selected</Text>
          <Group>
            <Button variant="default" onClick={close}>Cancel</Button>
            <Button onClick={() => create.mutate()} loading={create.isPending} disabled={!providerId || !keyId || selected.size === 0}>
              Create Selected Models
            </Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}
