// API Keys: the list with filters (server-side), and Add New API Key.
import { Badge, Button, Group, Select, Text, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconKey, IconPlus, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/endpoints.ts';
import { KeyStatusBadge, KeyTypeBadge, Mono } from '../../components/badges.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { ReadOnlyNotice } from '../../components/read-only-notice.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { API_KEY_TYPE_OPTIONS, formatDateTimeIn, formatRelative } from '../../lib/format.ts';
import { apiKeysKey, ownerLabel, useOwners } from './api-key-queries.ts';
import { CreateApiKeyModal } from './create-api-key-modal.tsx';

export function ApiKeysPage() {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const navigate = useNavigate();
  const owners = useOwners(orgId);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [type, setType] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [owner, setOwner] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const filters = {
    q, type,
    revoked: status === 'revoked' ? 'true' : status === 'active' ? 'false' : undefined,
    teamId: owner?.startsWith('team:') ? owner.slice(5) : undefined,
    userId: owner?.startsWith('user:') ? owner.slice(5) : undefined,
  };
  const paged = usePagedQuery(apiKeysKey(orgId), (p) => api.listApiKeys(orgId, p), { filters });
  const filtered = !!(q || type || status || owner);

  return (
    <>
      <PageHeader
        title="API Keys"
        description="Virtual API keys your applications use to call the Odock gateway. A key can call only the models and MCP servers it has been granted."
        actions={<Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} disabled={!canMutate}>Add New API Key</Button>}
      />
      <ReadOnlyNotice />
      <Group mb="md" gap="sm" wrap="wrap">
        <SearchInput placeholder="Search by name" aria-label="Search API keys" value={search} onSearch={setSearch} w={{ base: '100%', sm: 240 }} />
        <Select placeholder="All types" aria-label="Filter by type" clearable value={type} onChange={setType} w={{ base: '48%', sm: 160 }} data={API_KEY_TYPE_OPTIONS} />
        <Select placeholder="Any status" aria-label="Filter by status" clearable value={status} onChange={setStatus} w={{ base: '48%', sm: 150 }}
          data={[{ value: 'active', label: 'Not revoked' }, { value: 'revoked', label: 'Revoked' }]} />
        <Select placeholder="Any owner" aria-label="Filter by owner" clearable searchable value={owner} onChange={setOwner} w={{ base: '100%', sm: 220 }}
          data={[
            { group: 'Teams', items: owners.teams.map((t) => ({ value: `team:${t.id}`, label: t.name })) },
            { group: 'Users', items: owners.users.map((u) => ({ value: `user:${u.id}`, label: u.name || u.email })) },
          ]} />
      </Group>
      <PagedTable
        label="API keys"
        paged={paged}
        onRowClick={(k) => navigate(`/orgs/${orgId}/api-keys/${k.id}`)}
        minWidth={1040}
        empty={filtered
          ? { icon: <IconSearch size={22} />, title: 'No API keys match these filters' }
          : {
            icon: <IconKey size={22} />, title: 'No API keys yet',
            description: 'Create a key, grant it models, then reveal it once and give it to your application.',
            action: canMutate && <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>Add New API Key</Button>,
          }}
        columns={[
          { key: 'name', header: 'Name', render: (k) => <Text component={Link} to={`/orgs/${orgId}/api-keys/${k.id}`} size="sm" fw={600} c="indigo.7" onClick={(e) => e.stopPropagation()}>{k.name ?? 'Unnamed key'}</Text> },
          { key: 'type', header: 'Type', render: (k) => <KeyTypeBadge type={k.type} /> },
          { key: 'owner', header: 'Owner', render: (k) => <Text size="sm">{ownerLabel(k, owners)}</Text> },
          { key: 'key', header: 'Key', render: (k) => <Mono>{k.maskedKey}</Mono> },
          { key: 'revealed', header: 'Revealed', render: (k) => (k.revealed ? <Badge variant="light" color="gray">Revealed</Badge> : <Tooltip label="Can be revealed once"><Badge variant="light" color="yellow">Not yet</Badge></Tooltip>) },
          { key: 'status', header: 'Status', render: (k) => <KeyStatusBadge apiKey={k} /> },
          { key: 'expiry', header: 'Expiry', render: (k) => <Text size="sm" c={k.expiry ? undefined : 'dimmed'}>{k.expiry ? formatDateTimeIn(k.expiry, k.timezone) : 'Never'}</Text> },
          { key: 'used', header: 'Last used', render: (k) => <Text size="sm" c="dimmed">{formatRelative(k.lastUsedAt)}</Text> },
        ]}
      />
      <CreateApiKeyModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
