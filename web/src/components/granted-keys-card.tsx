// "API keys with access" on a resource's page (a model, an MCP server): the granted keys (paged),
// Batch Add from the organisation's other keys, and Remove with the refusal the key will get.
import { Button, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { fetchAll, type PageQuery } from '../api/endpoints.ts';
import type { ApiKey, Page } from '../api/types.ts';
import { usePagedQuery } from '../hooks/use-paged-query.ts';
import { useCanMutate, useOrgId } from '../hooks/use-session.ts';
import { ApiKeyPickerModal } from './api-key-picker-modal.tsx';
import { KeyStatusBadge, KeyTypeBadge, Mono } from './badges.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import type { Column } from './data-table.tsx';
import { PagedTable } from './paged-table.tsx';
import { TableCard } from './table-card.tsx';

export function GrantedKeysCard(p: {
  /** The resource's name, as the page shows it. */
  name: string;
  queryKey: readonly unknown[];
  description: ReactNode;
  /** What a granted key may do with it: "call gpt-4.1", "use Docs Search". */
  verb: string;
  /** The error a removed key gets, and where: "(model_not_allowed) when it calls gpt-4.1". */
  refusal: ReactNode;
  grantLabel: string;
  empty: { title: string; description: string };
  /** The tab of the key's page that the name links to. */
  keyTab?: string;
  fetchPage: (q: PageQuery) => Promise<Page<ApiKey>>;
  grant: (ids: string[]) => Promise<unknown>;
  remove: (keyId: string) => Promise<unknown>;
}) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const paged = usePagedQuery(p.queryKey, p.fetchPage);
  const all = useQuery({ queryKey: [...p.queryKey, 'ids'], queryFn: () => fetchAll(p.fetchPage) });
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<ApiKey | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: p.queryKey });
  const tab = p.keyTab ? `?tab=${p.keyTab}` : '';
  const columns: Column<ApiKey>[] = [
    { key: 'name', header: 'Name', render: (k) => <Text component={Link} to={`/orgs/${orgId}/api-keys/${k.id}${tab}`} size="sm" fw={600} c="indigo.7">{k.name ?? 'Unnamed key'}</Text> },
    { key: 'type', header: 'Type', render: (k) => <KeyTypeBadge type={k.type} /> },
    { key: 'key', header: 'Key', render: (k) => <Mono>{k.maskedKey}</Mono> },
    { key: 'status', header: 'Status', render: (k) => <KeyStatusBadge apiKey={k} /> },
    { key: 'x', header: '', align: 'right', render: (k) => canMutate && <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(k)}>Remove</Button> },
  ];

  return (
    <TableCard
      title="API keys with access"
      description={p.description}
      action={canMutate && <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>Batch Add</Button>}
    >
      <PagedTable
        label="API keys with access"
        withBorder={false}
        paged={paged}
        minWidth={520}
        empty={{ icon: <IconKey size={22} />, ...p.empty }}
        columns={columns}
      />
      <ApiKeyPickerModal
        opened={adding}
        onClose={() => setAdding(false)}
        title={`Grant ${p.name} to API keys`}
        confirmLabel={p.grantLabel}
        excludeIds={new Set((all.data?.items ?? []).map((k) => k.id))}
        onConfirm={async (ids) => {
          await p.grant(ids);
          await refresh();
          notifications.show({ color: 'teal', message: `${ids.length} key${ids.length === 1 ? '' : 's'} can now ${p.verb}` });
        }}
      />
      <ConfirmDialog
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title="Remove access?"
        message={<>Key <b>{removing?.name ?? removing?.maskedKey}</b> will be refused {p.refusal}.</>}
        confirmLabel="Remove access"
        onConfirm={async () => {
          await p.remove(removing!.id);
          await refresh();
        }}
      />
    </TableCard>
  );
}
