// Destructive actions ask first. The confirm button shows progress and the dialog shows the
// server's error instead of closing on failure.
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorMessage } from '../api/client.ts';
import { useOrgId } from '../hooks/use-session.ts';
import type { Section } from './detail-header.tsx';

export function ConfirmDialog(p: {
  opened: boolean;
  onClose: () => void;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  color?: string;
  onConfirm: () => Promise<unknown>;
}) {
  const [busy, setBusy] = useState(false);
  // Callers clear the record they confirm on close; keep showing its text while the dialog fades out.
  const shown = useRef({ title: p.title, message: p.message, confirmLabel: p.confirmLabel, color: p.color });
  if (p.opened) shown.current = { title: p.title, message: p.message, confirmLabel: p.confirmLabel, color: p.color };
  const { title, message, confirmLabel, color } = shown.current;
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    if (busy) return;
    setError(null);
    p.onClose();
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await p.onConfirm();
      setBusy(false);
      p.onClose();
    } catch (err) {
      setBusy(false);
      setError(errorMessage(err));
    }
  };
  return (
    <Modal opened={p.opened} onClose={close} title={<Text fw={600}>{title}</Text>} centered size="md">
      <Stack>
        <Text size="sm">{message}</Text>
        {error && <Alert color="red" variant="light">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={busy}>Cancel</Button>
          <Button color={color ?? 'red'} onClick={confirm} loading={busy}>{confirmLabel}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * Deleting the record a page shows: confirm, delete, refresh the section's lists, say so, and go
 * back to the section's list.
 */
export function DeleteRecordDialog(p: {
  opened: boolean;
  onClose: () => void;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  remove: () => Promise<unknown>;
  invalidate: readonly unknown[];
  /** The notification once deleted, if any. */
  done?: string;
  section: Section;
}) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const navigate = useNavigate();
  return (
    <ConfirmDialog
      opened={p.opened}
      onClose={p.onClose}
      title={p.title}
      message={p.message}
      confirmLabel={p.confirmLabel}
      onConfirm={async () => {
        await p.remove();
        await qc.invalidateQueries({ queryKey: p.invalidate });
        if (p.done) notifications.show({ color: 'teal', message: p.done });
        navigate(`/orgs/${orgId}/${p.section.path}`);
      }}
    />
  );
}
