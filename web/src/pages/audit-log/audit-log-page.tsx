// Audit log: who changed what, when and from where, in this organisation. Filters by actor,
// action, target type and dates; the same filters export every matching entry as CSV. Admins only
// (the log names every operator and their IPs); the server masks secrets before storing an entry.
import { Alert, Badge, Button, Code, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconDownload, IconHistory, IconLock } from '@tabler/icons-react';
import { useState } from 'react';
import { fillPath } from '../../api/client.ts';
import { api } from '../../api/endpoints.ts';
import { ROUTES } from '../../api/routes.ts';
import type { AuditEntry } from '../../api/types.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useIsAdmin, useOrgId } from '../../hooks/use-session.ts';
import { formatDateTime } from '../../lib/format.ts';

const TARGET_TYPES = ['api_key', 'provider', 'provider_key', 'model', 'mcp_server', 'team', 'user', 'invitation', 'operator_token', 'organisation'];
const ACTIONS = ['api_key', 'provider', 'provider_key', 'model', 'mcp_server', 'team', 'user', 'invitation', 'operator_token', 'organisation', 'auth'];

/** Date inputs give a local calendar day; the API takes instants (to is exclusive: the next midnight). */
function dayStart(day: string, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}

function ActorCell({ e }: { e: AuditEntry }) {
  if (e.actor.type === 'token') {
    return (
      <div>
        <Group gap={6}><Badge size="xs" variant="light" color="violet">Token</Badge><Text size="sm" fw={500}>{e.actor.label}</Text></Group>
        {e.actor.operator && <Text size="xs" c="dimmed">of {e.actor.operator.email}</Text>}
      </div>
    );
  }
  return <Text size="sm" fw={500} c={e.actor.type === 'anonymous' ? 'dimmed' : undefined}>{e.actor.label ?? 'anonymous'}</Text>;
}

export function AuditLogPage() {
  const orgId = useOrgId();
  const isAdmin = useIsAdmin();
  const [actor, setActor] = useState('');
  const [action, setAction] = useState<string | null>(null);
  const [targetType, setTargetType] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [shown, setShown] = useState<AuditEntry | null>(null);
  const filters = { actor: actor.trim() || undefined, action: action ?? undefined, targetType: targetType ?? undefined, from: dayStart(from), to: dayStart(to, 1) };
  const paged = usePagedQuery(['org', orgId, 'audit-log'], (q) => api.listAuditLog(orgId, q), { filters, enabled: isAdmin });

  const exportHref = (() => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) qs.set(k, v);
    const s = qs.toString();
    return `${fillPath(ROUTES.exportAuditLog[1], { orgId })}${s ? `?${s}` : ''}`;
  })();

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change in this organisation: who made it (an operator or an access token), from which IP, and the record before and after. Entries cannot be edited or deleted."
        actions={isAdmin && <Button component="a" href={exportHref} download leftSection={<IconDownload size={16} />} variant="default">Export CSV</Button>}
      />
      {!isAdmin ? (
        <Alert variant="light" color="gray" icon={<IconLock size={18} />} title="Admins only">Only organisation admins can read the audit log.</Alert>
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} mb="md">
            <SearchInput aria-label="Filter by actor" placeholder="Actor: email, token name or id" value={actor} onSearch={setActor} />
            <Select aria-label="Filter by action" placeholder="Any action" clearable searchable value={action} onChange={setAction} data={ACTIONS} />
            <Select aria-label="Filter by target" placeholder="Any target" clearable searchable value={targetType} onChange={setTargetType} data={TARGET_TYPES} />
            <TextInput aria-label="From date" type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextInput aria-label="To date" type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          </SimpleGrid>
          <PagedTable<AuditEntry>
            label="Audit log"
            paged={paged}
            minWidth={760}
            empty={{ icon: <IconHistory size={22} />, title: 'No entries', description: 'Nothing matches these filters.' }}
            columns={[
              { key: 'at', header: 'When', render: (e) => <Text size="sm" c="dimmed">{formatDateTime(e.at)}</Text> },
              { key: 'actor', header: 'Actor', render: (e) => <ActorCell e={e} /> },
              { key: 'action', header: 'Action', render: (e) => <Code>{e.action}</Code> },
              { key: 'target', header: 'Target', render: (e) => <div><Text size="sm">{e.targetType ?? '—'}</Text><Text size="xs" c="dimmed" ff="monospace">{e.targetId ?? ''}</Text></div> },
              { key: 'ip', header: 'IP', render: (e) => <Text size="sm" ff="monospace">{e.ip ?? '—'}</Text> },
              { key: 'x', header: '', align: 'right', render: (e) => <Button size="xs" variant="subtle" onClick={() => setShown(e)} aria-label={`Changes of ${e.action}`}>Changes</Button> },
            ]}
          />
        </>
      )}
      <Modal opened={shown !== null} onClose={() => setShown(null)} size="lg" title={<Text fw={600}>{shown?.action}</Text>}>
        {shown && (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">{formatDateTime(shown.at)} · {shown.actor.label ?? 'anonymous'} · {shown.ip ?? 'no IP'}</Text>
            {(['before', 'after', 'reason'] as const).map((k) => shown.changes[k] !== undefined && (
              <div key={k}>
                <Text size="sm" fw={600} tt="capitalize">{k}</Text>
                <Code block>{JSON.stringify(shown.changes[k], null, 2)}</Code>
              </div>
            ))}
            {Object.keys(shown.changes).length === 0 && <Text size="sm">No record snapshot for this entry.</Text>}
          </Stack>
        )}
      </Modal>
    </>
  );
}
