// The access tokens of this organisation's operators, for its admins: whose, when they expire,
// and a way to end one (a leaver's, a leaked one). The secret itself is never shown here.
import { Button, Code, Text } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/endpoints.ts';
import type { OrgOperatorToken } from '../../api/types.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { TableCard } from '../../components/table-card.tsx';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { formatDateTime, formatRelative } from '../../lib/format.ts';

export function OrgTokensCard({ orgId }: { orgId: string }) {
  const qc = useQueryClient();
  // Under ['tokens'] so creating or deleting one's own token refreshes this list too.
  const key = ['tokens', 'org', orgId];
  const paged = usePagedQuery(key, (q) => api.listOrgOperatorTokens(orgId, q));
  const [revoking, setRevoking] = useState<OrgOperatorToken | null>(null);
  return (
    <TableCard title="Operator tokens in this organisation" description="Access tokens of this organisation's operators. Revoke one to stop the scripts using it.">
      <PagedTable
        label="Operator tokens"
        withBorder={false}
        paged={paged}
        minWidth={640}
        empty={{ icon: <IconKey size={22} />, title: 'No operator tokens', description: 'None of this organisation\'s operators has an access token.' }}
        columns={[
          { key: 'owner', header: 'Operator', render: (t) => <div><Text size="sm" fw={500}>{t.owner.name}</Text><Text size="xs" c="dimmed">{t.owner.email}</Text></div> },
          { key: 'name', header: 'Name', render: (t) => <Text size="sm">{t.name}</Text> },
          { key: 'preview', header: 'Token', render: (t) => <Code>odt_…{t.preview}</Code> },
          { key: 'expires', header: 'Expires', render: (t) => <Text size="sm" c="dimmed">{formatDateTime(t.expiresAt)}</Text> },
          { key: 'used', header: 'Last used', render: (t) => <Text size="sm" c="dimmed">{formatRelative(t.lastUsedAt)}</Text> },
          { key: 'x', header: '', align: 'right', render: (t) => <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name} of ${t.owner.email}`}>Revoke</Button> },
        ]}
      />
      <ConfirmDialog
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke ${revoking?.owner.email ?? ''}'s token ${revoking?.name ?? ''}?`}
        message="Scripts using it get 401 from now on."
        confirmLabel="Revoke token"
        onConfirm={async () => {
          await api.revokeOrgOperatorToken(orgId, revoking!.id);
          await qc.invalidateQueries({ queryKey: ['tokens'] });
        }}
      />
    </TableCard>
  );
}
