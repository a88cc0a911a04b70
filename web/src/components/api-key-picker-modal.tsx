// Picks API keys to grant something to (a model, an MCP server): search, type filter, multi-select.
import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconKey, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/client.ts';
import { api, fetchAll } from '../api/endpoints.ts';
import { useOrgId } from '../hooks/use-session.ts';
import { KeyStatusBadge, KeyTypeBadge, Mono } from './badges.tsx';
import { DataTable } from './data-table.tsx';

export function ApiKeyPickerModal(p: {
  opened: boolean;
  onClose: () => void;
  title: string;
  confirmLabel: string;
  excludeIds: Set<string>;
  onConfirm: (ids: string[]) => Promise<unknown>;
}) {
  const orgId = useOrgId();
  const [search, setSearch] = useState('');
  const [type, setType] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const keys = useQuery({ queryKey: ['org', orgId, 'api-keys', 'all'], queryFn: () => fetchAll((q) => api.listApiKeys(orgId, q)), enabled: p.opened });
  const needle = search.trim().toLowerCase();
  const rows = (keys.data?.items ?? []).filter((k) => !p.excludeIds.has(k.id)
    && (!type || k.type === type)
    && (!needle || (k.name ?? '').toLowerCase().includes(needle) || k.maskedKey.toLowerCase().includes(needle)));

  // Reset when opening, not when closing: the dialog fades out showing what was submitted.
  useEffect(() => { if (p.opened) { setSelected(new Set()); setSearch(''); setType(null); setError(null); } }, [p.opened]);
  const close = p.onClose;
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await p.onConfirm([...selected]);
      close();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={p.opened} onClose={close} title={<Text fw={600}>{p.title}</Text>} size="xl">
      <Stack>
        <Group gap="sm">
          <TextInput placeholder="Search name or key" aria-label="Search API keys" leftSection={<IconSearch size={16} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} style={{ flex: '1 1 220px' }} />
          <Select placeholder="All types" aria-label="Filter by key type" data={[{ value: 'ORGANISATION', label: 'Organisation' }, { value: 'TEAM', label: 'Team' }, { value: 'USER', label: 'User' }]} value={type} onChange={setType} clearable w={170} />
        </Group>
        <div style={{ maxHeight: '50vh', overflowY: 'auto' }}>
          <DataTable
            label="API keys to grant"
            rows={rows}
            rowKey={(k) => k.id}
            loading={keys.isLoading}
            error={keys.error}
            minWidth={560}
            selection={{ selected, onChange: setSelected, label: (k) => k.name ?? k.maskedKey }}
            empty={{ icon: <IconKey size={22} />, title: 'No keys to add', description: needle || type ? 'No key matches these filters.' : 'Every API key of this organisation already has access.' }}
            columns={[
              { key: 'name', header: 'Name', render: (k) => <Text size="sm" fw={500}>{k.name ?? 'Unnamed key'}</Text> },
              { key: 'type', header: 'Type', render: (k) => <KeyTypeBadge type={k.type} /> },
              { key: 'key', header: 'Key', render: (k) => <Mono>{k.maskedKey}</Mono> },
              { key: 'status', header: 'Status', render: (k) => <KeyStatusBadge apiKey={k} /> },
            ]}
          />
        </div>
        {error && <Alert color="red" variant="light">{error}</Alert>}
        <Group justify="space-between">
          <Text size="sm" c="dimmed">{selected.size} selected</Text>
          <Group>
            <Button variant="default" onClick={close}>Cancel</Button>
            <Button onClick={confirm} loading={busy} disabled={selected.size === 0}>{p.confirmLabel}</Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}
