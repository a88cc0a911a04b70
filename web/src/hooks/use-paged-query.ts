// Server-side paging over `{items,nextCursor}` lists: a stack of cursors gives Previous/Next
// without the server having to count. Changing the filters starts again at page one.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { PageQuery } from '../api/endpoints.ts';
import type { Page } from '../api/types.ts';

export interface PagedState<T> {
  items: T[];
  isLoading: boolean;
  isFetching: boolean;
  error: unknown;
  refetch: () => void;
  pageIndex: number;
  pageSize: number;
  setPageSize: (n: number) => void;
  hasNext: boolean;
  hasPrevious: boolean;
  next: () => void;
  previous: () => void;
}

export function usePagedQuery<T>(
  key: readonly unknown[],
  fetchPage: (q: PageQuery) => Promise<Page<T>>,
  opts: { pageSize?: number; filters?: Record<string, string | number | boolean | null | undefined>; enabled?: boolean } = {},
): PagedState<T> {
  const [pageSize, setPageSize] = useState(opts.pageSize ?? 25);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const filterKey = JSON.stringify(opts.filters ?? {});
  useEffect(() => setCursors([null]), [filterKey, pageSize]);
  const cursor = cursors[cursors.length - 1] ?? null;

  const q = useQuery({
    queryKey: [...key, 'page', filterKey, pageSize, cursor],
    queryFn: () => fetchPage({ ...(opts.filters ?? {}), limit: pageSize, cursor }),
    placeholderData: keepPreviousData,
    enabled: opts.enabled ?? true,
  });
  const nextCursor = q.data?.nextCursor ?? null;
  return {
    items: q.data?.items ?? [],
    isLoading: q.isLoading,
    isFetching: q.isFetching,
    error: q.error,
    refetch: () => void q.refetch(),
    pageIndex: cursors.length - 1,
    pageSize,
    setPageSize,
    hasNext: nextCursor !== null,
    hasPrevious: cursors.length > 1,
    next: () => nextCursor && setCursors((c) => [...c, nextCursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
  };
}
