// The Model Access and MCP Access tabs share one pattern: the granted records (paged), Batch Add
// from the organisation's records with search and a filter, remove one or the selected ones.
import { Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconSearch, IconTrash } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { fetchAll, type PageQuery } from '../../api/endpoints.ts';
import type { Page } from '../../api/types.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import type { Column } from '../../components/data-table.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { PickerModal } from '../../components/picker-modal.tsx';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useCanMutate } from '../../hooks/use-session.ts';

interface Props<T extends { id: string; name: string }> {
  queryKey: readonly unknown[];
  candidatesKey: readonly unknown[];
  noun: string; // "model" | "MCP server"
  fetchGranted: (q: PageQuery) => Promise<Page<T>>;
  fetchCandidates: (q: PageQuery) => Promise<Page<T>>;
  grant: (ids: string[]) => Promise<unknown>;
  remove: (id: string) => Promise<unknown>;
  columns: Column<T>[];
  search: (row: T) => string;
  filter?: { label: string; options: { value: string; label: string }[]; get: (row: T) => string };
  grantLabel: string;
  empty: { icon: ReactNode; title: string; description: string };
  revoked?: boolean;
}

export function AccessTab<T extends { id: string; name: string }>(p: Props<T>) {
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const paged = usePagedQuery(p.queryKey, p.fetchGranted);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<string[] | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: p.queryKey });

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" maw={640}>
          This key can call only the {p.noun}s listed here. Without a grant, requests are refused even if the {p.noun} exists.
        </Text>
        {canMutate && (
          <Group gap="sm">
            {selected.size > 0 && (
              <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setRemoving([...selected])}>
                Remove selected ({selected.size})
              </Button>
            )}
            <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>Batch Add</Button>
          </Group>
        )}
      </Group>
      <PagedTable
        label={`Granted ${p.noun}s`}
        paged={paged}
        minWidth={760}
        selection={canMutate ? { selected, onChange: setSelected, label: (r) => r.name } : undefined}
        empty={{ ...p.empty, action: canMutate && <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>Batch Add</Button> }}
        columns={[
          ...p.columns,
          { key: 'x', header: '', align: 'right', render: (r) => canMutate && <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving([r.id])} aria-label={`Remove ${r.name}`}>Remove</Button> },
        ]}
      />
      <BatchAddModal {...p} opened={adding} onClose={() => setAdding(false)} onDone={async (n) => {
        await refresh();
        notifications.show({ color: 'teal', message: `Access granted to ${n} ${p.noun}${n === 1 ? '' : 's'}` });
      }} />
      <ConfirmDialog
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={removing && removing.length > 1 ? `Remove access to ${removing.length} ${p.noun}s?` : 'Remove access?'}
        message={`Requests with this key to ${removing && removing.length > 1 ? `these ${p.noun}s` : `this ${p.noun}`} will be refused from now on.`}
        confirmLabel="Remove access"
        onConfirm={async () => {
          try {
            for (const id of removing ?? []) await p.remove(id);
          } finally {
            setSelected(new Set());
            await refresh();
          }
        }}
      />
    </Stack>
  );
}

function BatchAddModal<T extends { id: string; name: string }>(p: Props<T> & { opened: boolean; onClose: () => void; onDone: (n: number) => Promise<void> }) {
  const candidates = useQuery({ queryKey: p.candidatesKey, queryFn: () => fetchAll(p.fetchCandidates), enabled: p.opened });
  const granted = useQuery({ queryKey: [...p.queryKey, 'all'], queryFn: () => fetchAll(p.fetchGranted), enabled: p.opened });
  const grantedIds = new Set((granted.data?.items ?? []).map((r) => r.id));
  const filter = p.filter && { placeholder: `Any ${p.filter.label.toLowerCase()}`, label: `Filter by ${p.filter.label.toLowerCase()}`, options: p.filter.options, get: p.filter.get, width: 200 };
  return (
    <PickerModal
      opened={p.opened}
      onClose={p.onClose}
      title={p.grantLabel}
      confirmLabel={p.grantLabel}
      candidates={(candidates.data?.items ?? []).filter((r) => !grantedIds.has(r.id))}
      loading={candidates.isLoading || granted.isLoading}
      error={candidates.error ?? granted.error}
      search={{ placeholder: `Search ${p.noun}s`, label: `Search ${p.noun}s`, width: '240px', autofocus: true, text: (r) => [p.search(r)] }}
      filter={filter}
      tableLabel={`${p.noun}s to grant`}
      rowLabel={(r) => r.name}
      empty={(narrowed) => ({ icon: <IconSearch size={22} />, title: narrowed ? `No ${p.noun} matches` : `Nothing left to add`, description: narrowed ? 'Try another search or filter.' : `This key already has every ${p.noun} of the organisation, or there are none yet.` })}
      columns={p.columns}
      onConfirm={async (ids) => { await p.grant(ids); await p.onDone(ids.length); }}
    />
  );
}
