// The budgets and quotas tables: progress against the limit, spent / limit, reset time, scope;
// Edit and Delete for operators who may change them. Shared by the Budgets page and the cards on
// team, user and key pages (owner given: those tables list that owner's only).
import { Badge, Button, Group, Progress, Stack, Text } from '@mantine/core';
import { IconCoin, IconGauge, IconPlus } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/endpoints.ts';
import type { Budget, Quota } from '../../api/types.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { TableCard } from '../../components/table-card.tsx';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { BudgetFormModal, QuotaFormModal, budgetsKey, quotasKey, type FixedOwner } from './limit-forms.tsx';
import { OWNER_LABEL, useOwnerNames } from './owner-names.ts';

function Meter({ used, limit, label }: { used: number; limit: number; label: string }) {
  const pct = limit > 0 ? Math.min(100, (used / limit) * 100) : 100;
  const color = pct >= 100 ? 'red' : pct >= 80 ? 'orange' : 'teal';
  return (
    <Stack gap={4} miw={160}>
      <Progress value={pct} color={color} size="md" aria-label={label} />
      <Text size="xs" c="dimmed">{label}</Text>
    </Stack>
  );
}

const resets = (iso: string | null) => (iso ? formatDateTime(iso) : 'Never');

export function BudgetsCard({ owner, description }: { owner?: FixedOwner; description?: string }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const names = useOwnerNames(orgId);
  const filters = owner ? { ownerType: owner.type, ownerId: owner.id } : undefined;
  const paged = usePagedQuery(budgetsKey(orgId), (q) => api.listBudgets(orgId, q), { filters });
  const [editing, setEditing] = useState<Budget | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Budget | null>(null);
  const add = canMutate && <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>Add budget</Button>;
  return (
    <TableCard title="Budgets" description={description ?? 'Spend limits in USD, checked before every call.'} action={add} aria-label="Budgets" component="section">
      <PagedTable
        label="Budgets"
        withBorder={false}
        paged={paged}
        minWidth={720}
        empty={{ icon: <IconCoin size={22} />, title: 'No budgets', description: 'A budget refuses calls (402) or alerts once its amount is spent.', action: add }}
        columns={[
          ...(owner ? [] : [{ key: 'scope', header: 'Scope', render: (b: Budget) => <div><Text size="sm" fw={500}>{names.name(b.ownerType, b.ownerId)}</Text><Text size="xs" c="dimmed">{OWNER_LABEL[b.ownerType]}</Text></div> }]),
          { key: 'spent', header: 'Spent', render: (b) => <Meter used={Number(b.spentUsd)} limit={Number(b.limitUsd)} label={`$${b.spentUsd} of $${b.limitUsd}`} /> },
          { key: 'period', header: 'Period', render: (b) => <Text size="sm">{b.period.charAt(0) + b.period.slice(1).toLowerCase()}{b.rollover ? ' · rollover' : ''}</Text> },
          { key: 'action', header: 'When spent', render: (b) => <Badge variant="light" color={b.action === 'BLOCK' ? 'red' : 'yellow'}>{b.action === 'BLOCK' ? 'Block' : 'Alert'}</Badge> },
          { key: 'resets', header: 'Resets', render: (b) => <Text size="sm" c="dimmed">{resets(b.resetsAt)}</Text> },
          { key: 'x', header: '', align: 'right', render: (b) => canMutate && (
            <Group gap={4} justify="flex-end" wrap="nowrap">
              <Button size="xs" variant="subtle" onClick={() => setEditing(b)}>Edit</Button>
              <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(b)}>Delete</Button>
            </Group>
          ) },
        ]}
      />
      <BudgetFormModal opened={editing !== null} onClose={() => setEditing(null)} budget={editing === 'new' || editing === null ? undefined : editing} owner={owner} />
      <ConfirmDialog
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete budget"
        message="Calls are no longer checked against this budget. Spend already recorded stays in usage."
        confirmLabel="Delete budget"
        onConfirm={async () => { await api.deleteBudget(orgId, deleting!.id); await qc.invalidateQueries({ queryKey: budgetsKey(orgId) }); }}
      />
    </TableCard>
  );
}

export function QuotasCard({ owner }: { owner?: FixedOwner }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const names = useOwnerNames(orgId);
  const filters = owner ? { ownerType: owner.type, ownerId: owner.id } : undefined;
  const paged = usePagedQuery(quotasKey(orgId), (q) => api.listQuotas(orgId, q), { filters });
  const [editing, setEditing] = useState<Quota | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Quota | null>(null);
  const add = canMutate && <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>Add quota</Button>;
  return (
    <TableCard title="Quotas" description="Requests or tokens per period; a call past its quota gets 429." action={add} aria-label="Quotas" component="section">
      <PagedTable
        label="Quotas"
        withBorder={false}
        paged={paged}
        minWidth={640}
        empty={{ icon: <IconGauge size={22} />, title: 'No quotas', action: add }}
        columns={[
          ...(owner ? [] : [{ key: 'scope', header: 'Scope', render: (q: Quota) => <div><Text size="sm" fw={500}>{names.name(q.ownerType, q.ownerId)}</Text><Text size="xs" c="dimmed">{OWNER_LABEL[q.ownerType]}</Text></div> }]),
          { key: 'used', header: 'Used', render: (q) => <Meter used={q.used} limit={q.limit} label={`${formatNumber(q.used)} of ${formatNumber(q.limit)} ${q.metric.toLowerCase().replace('_', ' ')}`} /> },
          { key: 'period', header: 'Period', render: (q) => <Text size="sm">{q.period.charAt(0) + q.period.slice(1).toLowerCase()}</Text> },
          { key: 'resets', header: 'Resets', render: (q) => <Text size="sm" c="dimmed">{resets(q.resetsAt)}</Text> },
          { key: 'x', header: '', align: 'right', render: (q) => canMutate && (
            <Group gap={4} justify="flex-end" wrap="nowrap">
              <Button size="xs" variant="subtle" onClick={() => setEditing(q)}>Edit</Button>
              <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(q)}>Delete</Button>
            </Group>
          ) },
        ]}
      />
      <QuotaFormModal opened={editing !== null} onClose={() => setEditing(null)} quota={editing === 'new' || editing === null ? undefined : editing} owner={owner} />
      <ConfirmDialog
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete quota"
        message="Calls are no longer counted against this quota."
        confirmLabel="Delete quota"
        onConfirm={async () => { await api.deleteQuota(orgId, deleting!.id); await qc.invalidateQueries({ queryKey: quotasKey(orgId) }); }}
      />
    </TableCard>
  );
}

/** The budget and quota cards of one team, user or key. */
export function OwnerLimits({ owner }: { owner: FixedOwner }) {
  return (
    <>
      <BudgetsCard owner={owner} description={`Spend limits of this ${OWNER_LABEL[owner.type].toLowerCase()}, checked before every call.`} />
      <QuotasCard owner={owner} />
    </>
  );
}
