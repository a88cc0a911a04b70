// A DataTable over one server-paged list (usePagedQuery): its rows, loading and error state,
// Retry, and the pager all come from the paged state, so a page only says what its table shows.
import type { PagedState } from '../hooks/use-paged-query.ts';
import { DataTable, type DataTableProps } from './data-table.tsx';

type Props<T> = Omit<DataTableProps<T>, 'rows' | 'rowKey' | 'loading' | 'error' | 'onRetry' | 'paging'> & {
  paged: PagedState<T>;
  /** Rows are keyed by their id unless told otherwise. */
  rowKey?: (row: T) => string;
  /** false: an error shows no Retry button (the table's neighbours retry for it). */
  retry?: boolean;
};

export function PagedTable<T extends { id: string }>({ paged, rowKey, retry = true, ...table }: Props<T>) {
  return (
    <DataTable<T>
      {...table}
      rows={paged.items}
      rowKey={rowKey ?? ((r) => r.id)}
      loading={paged.isLoading}
      error={paged.error}
      onRetry={retry ? paged.refetch : undefined}
      paging={paged}
    />
  );
}
