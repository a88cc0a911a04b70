// The top of a record's page: a crumb back to its section's list, the title with its badges and
// actions, and the read-only notice for operators who may not change it.
import { Button } from '@mantine/core';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import type { ComponentProps } from 'react';
import { useOrgId } from '../hooks/use-session.ts';
import { PageHeader } from './page-header.tsx';
import { ReadOnlyNotice } from './read-only-notice.tsx';

export interface Section {
  label: string;
  /** The section's path under /orgs/:orgId/. */
  path: string;
}

export function DetailHeader({ section, need, ...header }: Omit<ComponentProps<typeof PageHeader>, 'crumbs'> & {
  section: Section;
  /** Who may change the record (see ReadOnlyNotice). */
  need?: 'write' | 'admin';
}) {
  const orgId = useOrgId();
  return (
    <>
      <PageHeader crumbs={[{ label: section.label, to: `/orgs/${orgId}/${section.path}` }]} {...header} />
      <ReadOnlyNotice need={need} />
    </>
  );
}

/** The usual pair of header actions: change the record, delete it (confirmed elsewhere). */
export function EditDeleteActions({ editLabel = 'Edit', onEdit, onDelete }: { editLabel?: string; onEdit: () => void; onDelete: () => void }) {
  return (
    <>
      <Button variant="default" leftSection={<IconPencil size={16} />} onClick={onEdit}>{editLabel}</Button>
      <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={onDelete}>Delete</Button>
    </>
  );
}
