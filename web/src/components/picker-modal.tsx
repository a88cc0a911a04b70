// Picks records to grant (keys to a model or MCP server, models or MCP servers to a key): search,
// an optional filter, multi-select, and a confirm that shows the server's error in place.
import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/client.ts';
import { DataTable, type Column, type EmptyProps } from './data-table.tsx';
import { SearchInput } from './search-input.tsx';

export interface PickerFilter<T> {
  placeholder: string;
  label: string;
  options: { value: string; label: string }[];
  get: (row: T) => string;
  width: number;
}

export function PickerModal<T extends { id: string }>(p: {
  opened: boolean;
  onClose: () => void;
  title: string;
  confirmLabel: string;
  /** The records that may be picked (already granted ones left out). */
  candidates: T[];
  loading: boolean;
  error: unknown;
  search: { placeholder: string; label: string; width: string; autofocus?: boolean; text: (row: T) => string[] };
  filter?: PickerFilter<T>;
  tableLabel: string;
  rowLabel: (row: T) => string;
  columns: Column<T>[];
  /** The empty table: `narrowed` when a search or filter hides everything. */
  empty: (narrowed: boolean) => EmptyProps;
  onConfirm: (ids: string[]) => Promise<unknown>;
}) {
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const needle = search.trim().toLowerCase();
  const rows = p.candidates.filter((r) => (!needle || p.search.text(r).some((t) => t.toLowerCase().includes(needle)))
    && (!filter || !p.filter || p.filter.get(r) === filter));

  // Reset when opening, not when closing: the dialog fades out showing what was submitted.
  useEffect(() => { if (p.opened) { setSearch(''); setFilter(null); setSelected(new Set()); setError(null); } }, [p.opened]);
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
          <SearchInput placeholder={p.search.placeholder} aria-label={p.search.label} value={search} onSearch={setSearch} style={{ flex: `1 1 ${p.search.width}` }} data-autofocus={p.search.autofocus} />
          {p.filter && <Select placeholder={p.filter.placeholder} aria-label={p.filter.label} data={p.filter.options} value={filter} onChange={setFilter} clearable w={p.filter.width} />}
        </Group>
        <div style={{ maxHeight: '50vh', overflowY: 'auto' }}>
          <DataTable
            label={p.tableLabel}
            rows={rows}
            rowKey={(r) => r.id}
            loading={p.loading}
            error={p.error}
            minWidth={560}
            selection={{ selected, onChange: setSelected, label: p.rowLabel }}
            empty={p.empty(!!(needle || filter))}
            columns={p.columns}
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
