// Models: the organisation's model records with provider, slug, type and pricing; Add From
// Catalog (seed: "Add Models From the Catalog") and a manual Add Model.
import { Badge, Button, Group, Select, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconBooks, IconCpu, IconPlus, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/endpoints.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { ReadOnlyNotice } from '../../components/read-only-notice.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { formatDateTime, formatPrice, PROVIDER_LABEL } from '../../lib/format.ts';
import { ProviderMark } from '../providers/provider-mark.tsx';
import { CatalogDialog } from './catalog-dialog.tsx';
import { ModelFormModal } from './model-form-modal.tsx';
import { MODEL_TYPES, modelsKey, useActiveProviders } from './model-queries.ts';

export function ModelsPage() {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const navigate = useNavigate();
  const { providers, byId } = useActiveProviders(orgId);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [providerId, setProviderId] = useState<string | null>(null);
  const [type, setType] = useState<string | null>(null);
  const paged = usePagedQuery(modelsKey(orgId), (p) => api.listModels(orgId, p), { filters: { q, providerId, type } });
  const [catalogOpen, setCatalogOpen] = useState(false);
  const [addOpen, setAddOpen] = useState(false);
  const filtered = !!(q || providerId || type);

  return (
    <>
      <PageHeader
        title="Models"
        description="The model names your applications request, each mapped to a provider, a provider key and an upstream model."
        actions={
          <>
            <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => setAddOpen(true)} disabled={!canMutate}>Add Model</Button>
            <Button leftSection={<IconBooks size={16} />} onClick={() => setCatalogOpen(true)} disabled={!canMutate}>Add From Catalog</Button>
          </>
        }
      />
      <ReadOnlyNotice />
      <Group mb="md" gap="sm" wrap="wrap">
        <SearchInput placeholder="Search name or slug" aria-label="Search models" value={search} onSearch={setSearch} w={{ base: '100%', sm: 260 }} />
        <Select
          placeholder="All providers"
          aria-label="Filter by provider"
          data={providers.map((p) => ({ value: p.id, label: p.name || PROVIDER_LABEL[p.type] || p.type }))}
          value={providerId}
          onChange={setProviderId}
          clearable
          w={{ base: '48%', sm: 200 }}
        />
        <Select
          placeholder="All types"
          aria-label="Filter by type"
          data={MODEL_TYPES.map((t) => ({ value: t, label: t }))}
          value={type}
          onChange={setType}
          clearable
          w={{ base: '48%', sm: 160 }}
        />
      </Group>
      <PagedTable
        label="Models"
        paged={paged}
        onRowClick={(m) => navigate(`/orgs/${orgId}/models/${m.id}`)}
        minWidth={960}
        empty={filtered
          ? { icon: <IconSearch size={22} />, title: 'No models match these filters', description: 'Try another search or clear the filters.' }
          : {
            icon: <IconCpu size={22} />,
            title: 'No models yet',
            description: providers.length === 0
              ? 'Activate a provider and add its key first, then add models from its catalog.'
              : 'Add models from the provider catalog to map the names clients request to your providers.',
            action: providers.length === 0
              ? <Button component={Link} to={`/orgs/${orgId}/providers`} variant="light">Go to Providers</Button>
              : canMutate && <Button leftSection={<IconBooks size={16} />} onClick={() => setCatalogOpen(true)}>Add From Catalog</Button>,
          }}
        columns={[
          {
            key: 'name', header: 'Name',
            render: (m) => <Text component={Link} to={`/orgs/${orgId}/models/${m.id}`} size="sm" fw={600} c="indigo.7" onClick={(e) => e.stopPropagation()}>{m.name}</Text>,
          },
          {
            key: 'provider', header: 'Provider',
            render: (m) => {
              const p = byId.get(m.providerId);
              return p ? (
                <Group gap={6} wrap="nowrap"><ProviderMark type={p.type} size={22} /><Text size="sm">{p.name || PROVIDER_LABEL[p.type]}</Text></Group>
              ) : <Text size="sm" c="dimmed">—</Text>;
            },
          },
          { key: 'slug', header: 'Upstream slug', render: (m) => <Text size="sm" ff="monospace">{m.slug}</Text> },
          { key: 'type', header: 'Type', render: (m) => <Badge variant="light" color="gray" radius="sm">{m.type}</Badge> },
          {
            key: 'pricing', header: 'Input / Output per 1M',
            render: (m) => <Text size="sm">{formatPrice(m.pricing?.inputPerMTok)} / {formatPrice(m.pricing?.outputPerMTok)}</Text>,
          },
          { key: 'key', header: 'Provider key', render: (m) => (m.providerApiKeyId ? <Badge variant="dot" color="teal">Set</Badge> : <Badge variant="dot" color="orange">None</Badge>) },
          { key: 'created', header: 'Created', render: (m) => <Text size="sm" c="dimmed">{formatDateTime(m.createdAt)}</Text> },
        ]}
      />
      <CatalogDialog opened={catalogOpen} onClose={() => setCatalogOpen(false)} />
      <ModelFormModal opened={addOpen} onClose={() => setAddOpen(false)} />
    </>
  );
}
