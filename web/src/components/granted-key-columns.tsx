// The columns of "keys granted this resource" tables (a model's and an MCP server's page).
import { Button, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { ApiKey } from '../api/types.ts';
import { KeyStatusBadge, KeyTypeBadge, Mono } from './badges.tsx';
import type { Column } from './data-table.tsx';

export function grantedKeyColumns(orgId: string, opts: { keyTab?: string; canMutate: boolean; onRemove: (k: ApiKey) => void }): Column<ApiKey>[] {
  const tab = opts.keyTab ? `?tab=${opts.keyTab}` : '';
  return [
    { key: 'name', header: 'Name', render: (k) => <Text component={Link} to={`/orgs/${orgId}/api-keys/${k.id}${tab}`} size="sm" fw={600} c="indigo.7">{k.name ?? 'Unnamed key'}</Text> },
    { key: 'type', header: 'Type', render: (k) => <KeyTypeBadge type={k.type} /> },
    { key: 'key', header: 'Key', render: (k) => <Mono>{k.maskedKey}</Mono> },
    { key: 'status', header: 'Status', render: (k) => <KeyStatusBadge apiKey={k} /> },
    { key: 'x', header: '', align: 'right', render: (k) => opts.canMutate && <Button size="xs" variant="subtle" color="red" onClick={() => opts.onRemove(k)}>Remove</Button> },
  ];
}
