// The budgets and quotas tables: progress against the limit, spent / limit, reset time, scope;
// Edit and Delete for operators who may change them. Shared by the Budgets page and the cards on
// team, user and key pages (owner given: those tables list that owner's only).
import { Badge, Button, Group, Progress, Stack, Text } from '@mantine/core';
import { IconCoin, IconGauge, IconPlus } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, type OwnerFilter, type PageQuery } from '../../api/endpoints.ts';
import type { Budget, OwnerType, Page, Quota } from '../../api/types.ts';
import type { Column } from '../../components/data-table.tsx';
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
const periodLabel = (p: string) => p.charAt(0) + p.slice(1).toLowerCase();

interface Limit { id: string; ownerType: OwnerType; ownerId: string }

/**
 * One card of limits (budgets or quotas): its table with the scope column (unless the card is one
 * owner's), Edit and Delete per row for operators who may change them, the form and the confirm.
 */
function LimitCard<T extends Limit>(p: {
  title: string; description: string; what: 'budget' | 'quota'; owner?: FixedOwner; icon: ReactNode; emptyDescription?: string; minWidth: number;
  queryKey: readonly unknown[]; fetch: (q: PageQuery & OwnerFilter) => Promise<Page<T>>; remove: (id: string) => Promise<unknown>;
  columns: Column<T>[]; form: (editing: T | undefined, opened: boolean, close: () => void) => ReactNode; deleteMessage: string; primary?: boolean;
}) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const names = useOwnerNames(orgId);
  const filters = p.owner ? { ownerType: p.owner.type, ownerId: p.owner.id } : undefined;
  const paged = usePagedQuery(p.queryKey, p.fetch, { filters });
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  const add = canMutate && <Button variant={p.primary ? 'filled' : 'default'} leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>Add {p.what}</Button>;
  const scope: Column<T>[] = p.owner ? [] : [{ key: 'scope', header: 'Scope', render: (l) => <div><Text size="sm" fw={500}>{names.name(l.ownerType, l.ownerId)}</Text><Text size="xs" c="dimmed">{OWNER_LABEL[l.ownerType]}</Text></div> }];
  const actions: Column<T> = { key: 'x', header: '', align: 'right', render: (l) => canMutate && (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      <Button size="xs" variant="subtle" onClick={() => setEditing(l)}>Edit</Button>
      <Button size="xs" variant="subtle" color="red" onClick={() => setDeleting(l)}>Delete</Button>
    </Group>
  ) };
  const label = p.title;
  return (
    <TableCard title={p.title} description={p.description} action={add} aria-label={label} component="section">
      <PagedTable label={label} withBorder={false} paged={paged} minWidth={p.minWidth}
        empty={{ icon: p.icon, title: `No ${p.what}s`, description: p.emptyDescription, action: add }}
        columns={[...scope, ...p.columns, actions]} />
      {p.form(editing === 'new' || editing === null ? undefined : editing, editing !== null, () => setEditing(null))}
      <ConfirmDialog
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${p.what}`}
        message={p.deleteMessage}
        confirmLabel={`Delete ${p.what}`}
        onConfirm={async () => { await p.remove(deleting!.id); await qc.invalidateQueries({ queryKey: p.queryKey }); }}
      />
    </TableCard>
  );
}

export function BudgetsCard({ owner, description }: { owner?: FixedOwner; description?: string }) {
  const orgId = useOrgId();
  return (
    <LimitCard<Budget>
      title="Budgets" what="budget" primary owner={owner} minWidth={720} icon={<IconCoin size={22} />}
      description={description ?? 'Spend limits in USD, checked before every call.'}
      emptyDescription="A budget refuses calls (402) or alerts once its amount is spent."
      queryKey={budgetsKey(orgId)} fetch={(q) => api.listBudgets(orgId, q)} remove={(id) => api.deleteBudget(orgId, id)}
      deleteMessage="Calls are no longer checked against this budget. Spend already recorded stays in usage."
      form={(budget, opened, close) => <BudgetFormModal opened={opened} onClose={close} budget={budget} owner={owner} />}
      columns={[
        { key: 'spent', header: 'Spent', render: (b) => <Meter used={Number(b.spentUsd)} limit={Number(b.limitUsd)} label={`$${b.spentUsd} of $${b.limitUsd}`} /> },
        { key: 'period', header: 'Period', render: (b) => <Text size="sm">{periodLabel(b.period)}{b.rollover ? ' · rollover' : ''}</Text> },
        { key: 'action', header: 'When spent', render: (b) => <Badge variant="light" color={b.action === 'BLOCK' ? 'red' : 'yellow'}>{b.action === 'BLOCK' ? 'Block' : 'Alert'}</Badge> },
        { key: 'resets', header: 'Resets', render: (b) => <Text size="sm" c="dimmed">{resets(b.resetsAt)}</Text> },
      ]}
    />
  );
}

export function QuotasCard({ owner }: { owner?: FixedOwner }) {
  const orgId = useOrgId();
  return (
    <LimitCard<Quota>
      title="Quotas" what="quota" owner={owner} minWidth={640} icon={<IconGauge size={22} />}
      description="Requests or tokens per period; a call past its quota gets 429."
      queryKey={quotasKey(orgId)} fetch={(q) => api.listQuotas(orgId, q)} remove={(id) => api.deleteQuota(orgId, id)}
      deleteMessage="Calls are no longer counted against this quota."
      form={(quota, opened, close) => <QuotaFormModal opened={opened} onClose={close} quota={quota} owner={owner} />}
      columns={[
        { key: 'used', header: 'Used', render: (q) => <Meter used={q.used} limit={q.limit} label={`${formatNumber(q.used)} of ${formatNumber(q.limit)} ${q.metric.toLowerCase().replace('_', ' ')}`} /> },
        { key: 'period', header: 'Period', render: (q) => <Text size="sm">{periodLabel(q.period)}</Text> },
        { key: 'resets', header: 'Resets', render: (q) => <Text size="sm" c="dimmed">{resets(q.resetsAt)}</Text> },
      ]}
    />
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
