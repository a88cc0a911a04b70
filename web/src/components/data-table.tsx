// The console's one table: skeleton rows while loading, a designed empty state, an error with
// retry, optional row selection, and the pager under it (Previous/Next over the server's cursors).
import { Alert, Button, Checkbox, EmptyState, Group, Paper, Skeleton, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconInbox } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { errorMessage } from '../api/client.ts';
import type { PagedState } from '../hooks/use-paged-query.ts';
import { Pager } from './pager.tsx';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  width?: number | string;
  align?: 'left' | 'right' | 'center';
}

export interface EmptyProps {
  icon?: ReactNode;
  title: string;
  description?: ReactNode;
  action?: ReactNode;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  loading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  empty: EmptyProps;
  onRowClick?: (row: T) => void;
  paging?: PagedState<T>;
  selection?: { selected: Set<string>; onChange: (s: Set<string>) => void; isSelectable?: (row: T) => boolean; label?: (row: T) => string };
  minWidth?: number;
  /** Accessible name of the table. */
  label: string;
  withBorder?: boolean;
}

export function DataTable<T>(p: DataTableProps<T>) {
  const selectable = p.selection ? p.rows.filter((r) => p.selection!.isSelectable?.(r) ?? true) : [];
  const allSelected = selectable.length > 0 && selectable.every((r) => p.selection!.selected.has(p.rowKey(r)));
  const someSelected = selectable.some((r) => p.selection!.selected.has(p.rowKey(r)));

  const toggleAll = () => {
    if (!p.selection) return;
    const next = new Set(p.selection.selected);
    for (const r of selectable) {
      if (allSelected) next.delete(p.rowKey(r));
      else next.add(p.rowKey(r));
    }
    p.selection.onChange(next);
  };
  const toggle = (id: string) => {
    if (!p.selection) return;
    const next = new Set(p.selection.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    p.selection.onChange(next);
  };

  const colSpan = p.columns.length + (p.selection ? 1 : 0);
  let body: ReactNode;
  if (p.loading) {
    body = Array.from({ length: 4 }, (_, i) => (
      <Table.Tr key={`sk${i}`}>
        {Array.from({ length: colSpan }, (_, j) => (
          <Table.Td key={j}><Skeleton height={14} radius="sm" width={j === 0 ? '70%' : '55%'} /></Table.Td>
        ))}
      </Table.Tr>
    ));
  } else if (p.error) {
    body = (
      <Table.Tr>
        <Table.Td colSpan={colSpan}>
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Could not load this list" my="sm">
            <Group justify="space-between">
              <Text size="sm">{errorMessage(p.error)}</Text>
              {p.onRetry && <Button size="xs" variant="white" color="red" onClick={p.onRetry}>Retry</Button>}
            </Group>
          </Alert>
        </Table.Td>
      </Table.Tr>
    );
  } else if (p.rows.length === 0) {
    body = (
      <Table.Tr>
        <Table.Td colSpan={colSpan}>
          <EmptyState
            py="xl"
            size="sm"
            variant="light"
            icon={p.empty.icon ?? <IconInbox size={22} />}
            title={p.empty.title}
            description={p.empty.description}
          >
            {p.empty.action && <EmptyState.Actions>{p.empty.action}</EmptyState.Actions>}
          </EmptyState>
        </Table.Td>
      </Table.Tr>
    );
  } else {
    body = p.rows.map((row) => {
      const id = p.rowKey(row);
      const canSelect = p.selection?.isSelectable?.(row) ?? true;
      return (
        <Table.Tr
          key={id}
          onClick={p.onRowClick ? () => p.onRowClick!(row) : undefined}
          style={p.onRowClick ? { cursor: 'pointer' } : undefined}
          bg={p.selection?.selected.has(id) ? 'var(--mantine-color-indigo-light)' : undefined}
        >
          {p.selection && (
            <Table.Td w={40} onClick={(e) => e.stopPropagation()}>
              <Checkbox
                aria-label={`Select ${p.selection.label?.(row) ?? id}`}
                checked={p.selection.selected.has(id)}
                disabled={!canSelect}
                onChange={() => toggle(id)}
              />
            </Table.Td>
          )}
          {p.columns.map((c) => (
            <Table.Td key={c.key} ta={c.align}>{c.render(row)}</Table.Td>
          ))}
        </Table.Tr>
      );
    });
  }

  const table = (
    <Table.ScrollContainer minWidth={p.minWidth ?? 640} type="native">
      <Table verticalSpacing="sm" highlightOnHover={!!p.onRowClick && p.rows.length > 0} aria-label={p.label} aria-busy={p.loading || undefined}>
        <Table.Thead bg="var(--mantine-color-gray-0)">
          <Table.Tr>
            {p.selection && (
              <Table.Th w={40}>
                <Checkbox
                  aria-label="Select all"
                  checked={allSelected}
                  indeterminate={someSelected && !allSelected}
                  disabled={selectable.length === 0}
                  onChange={toggleAll}
                />
              </Table.Th>
            )}
            {p.columns.map((c) => (
              <Table.Th key={c.key} w={c.width} ta={c.align}>
                <Text size="xs" fw={600} c="dimmed" tt="uppercase">{c.header}</Text>
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{body}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );

  const paging = p.paging && <Pager paging={p.paging} rowCount={p.rows.length} />;

  if (p.withBorder === false) return <>{table}{paging}</>;
  return (
    <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
      {table}
      {paging}
    </Paper>
  );
}
