// The key picker: the organisation's API keys to grant something to (a model, an MCP server),
// searched by name or masked key and filtered by type.
import { Text } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useAllApiKeys } from '../hooks/use-all-api-keys.ts';
import { useOrgId } from '../hooks/use-session.ts';
import { API_KEY_TYPE_OPTIONS } from '../lib/format.ts';
import { KeyStatusBadge, KeyTypeBadge, Mono } from './badges.tsx';
import { PickerModal } from './picker-modal.tsx';

export function ApiKeyPickerModal(p: {
  opened: boolean;
  onClose: () => void;
  title: string;
  confirmLabel: string;
  excludeIds: Set<string>;
  onConfirm: (ids: string[]) => Promise<unknown>;
}) {
  const orgId = useOrgId();
  const keys = useAllApiKeys(orgId, p.opened);
  return (
    <PickerModal
      {...p}
      candidates={(keys.data?.items ?? []).filter((k) => !p.excludeIds.has(k.id))}
      loading={keys.isLoading}
      error={keys.error}
      search={{ placeholder: 'Search name or key', label: 'Search API keys', width: '220px', text: (k) => [k.name ?? '', k.maskedKey] }}
      filter={{ placeholder: 'All types', label: 'Filter by key type', options: API_KEY_TYPE_OPTIONS, get: (k) => k.type, width: 170 }}
      tableLabel="API keys to grant"
      rowLabel={(k) => k.name ?? k.maskedKey}
      empty={(narrowed) => ({ icon: <IconKey size={22} />, title: 'No keys to add', description: narrowed ? 'No key matches these filters.' : 'Every API key of this organisation already has access.' })}
      columns={[
        { key: 'name', header: 'Name', render: (k) => <Text size="sm" fw={500}>{k.name ?? 'Unnamed key'}</Text> },
        { key: 'type', header: 'Type', render: (k) => <KeyTypeBadge type={k.type} /> },
        { key: 'key', header: 'Key', render: (k) => <Mono>{k.maskedKey}</Mono> },
        { key: 'status', header: 'Status', render: (k) => <KeyStatusBadge apiKey={k} /> },
      ]}
    />
  );
}
