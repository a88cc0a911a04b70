// Under a paged table: rows per page, the page number, Previous/Next over the server's cursors.
// Hidden while everything fits on one short page.
import { Button, Group, Select, Text } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import type { PagedState } from '../hooks/use-paged-query.ts';

export function Pager({ paging, rowCount }: { paging: PagedState<unknown>; rowCount: number }) {
  if (!(paging.hasNext || paging.hasPrevious || rowCount > 10)) return null;
  return (
    <Group justify="space-between" px="md" py="xs" style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
      <Group gap="xs">
        <Text size="sm" c="dimmed">Rows per page</Text>
        <Select
          size="xs"
          w={80}
          aria-label="Rows per page"
          data={['10', '25', '50', '100']}
          value={String(paging.pageSize)}
          onChange={(v) => v && paging.setPageSize(Number(v))}
          allowDeselect={false}
        />
      </Group>
      <Group gap="xs">
        <Text size="sm" c="dimmed">Page {paging.pageIndex + 1}</Text>
        <Button size="xs" variant="default" leftSection={<IconChevronLeft size={14} />} disabled={!paging.hasPrevious} onClick={paging.previous}>
          Previous
        </Button>
        <Button size="xs" variant="default" rightSection={<IconChevronRight size={14} />} disabled={!paging.hasNext} onClick={paging.next}>
          Next
        </Button>
      </Group>
    </Group>
  );
}
