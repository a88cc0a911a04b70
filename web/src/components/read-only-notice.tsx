import { Alert } from '@mantine/core';
import { IconEye } from '@tabler/icons-react';
import { useRole } from '../hooks/use-session.ts';

/** Tells an operator why the buttons are disabled, once per page. Teams, users and organisation settings need an admin. */
export function ReadOnlyNotice({ need = 'write' }: { need?: 'write' | 'admin' }) {
  const role = useRole();
  if (role === 'admin' || (need === 'write' && role === 'manager')) return null;
  return (
    <Alert variant="light" color="gray" icon={<IconEye size={18} />} mb="md" title="Read-only access">
      {need === 'admin'
        ? `Your role (${role ?? 'none'}) can see this page; only organisation admins can change it.`
        : 'You are a member of this organisation: you can see everything here, but only admins and managers can make changes.'}
    </Alert>
  );
}
