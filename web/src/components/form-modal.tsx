// A dialog holding one form: the fields, then Cancel and the submit button. Submitting never
// reloads the page; the API's validation errors are shown by the fields (useFormState).
import { Button, Group, Modal, Stack, Text, type ButtonProps, type ModalProps } from '@mantine/core';
import type { ReactNode } from 'react';

export function FormModal(p: {
  opened: boolean;
  onClose: () => void;
  title: ReactNode;
  onSubmit: () => void;
  submitLabel: ReactNode;
  busy?: boolean;
  submitDisabled?: boolean;
  /** Extra look of the submit button (a colour, an icon). */
  submitProps?: ButtonProps;
  size?: ModalProps['size'];
  centered?: boolean;
  /** Let the browser check required fields first (default: the server's message is shown instead). */
  nativeValidation?: boolean;
  children: ReactNode;
}) {
  return (
    <Modal opened={p.opened} onClose={p.onClose} title={<Text fw={600}>{p.title}</Text>} size={p.size} centered={p.centered}>
      <form onSubmit={(e) => { e.preventDefault(); p.onSubmit(); }} noValidate={!p.nativeValidation}>
        <Stack>
          {p.children}
          <Group justify="flex-end">
            <Button variant="default" onClick={p.onClose}>Cancel</Button>
            <Button type="submit" {...p.submitProps} loading={p.busy} disabled={p.submitDisabled}>{p.submitLabel}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
