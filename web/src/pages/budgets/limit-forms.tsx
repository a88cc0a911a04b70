// Create and edit dialogs for budgets and quotas. The owner is chosen on the Budgets page and fixed
// on a team, user or key page.
import { Checkbox, Group, NumberInput, Select, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/endpoints.ts';
import type { Budget, BudgetPeriod, OwnerType, Quota, QuotaMetric } from '../../api/types.ts';
import { FormModal } from '../../components/form-modal.tsx';
import { TimezoneSelect } from '../../components/timezone-select.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { useOrgId } from '../../hooks/use-session.ts';
import { browserTimeZone } from '../../lib/format.ts';
import { OWNER_LABEL, useOwnerNames } from './owner-names.ts';

export const budgetsKey = (orgId: string) => ['org', orgId, 'budgets'] as const;
export const quotasKey = (orgId: string) => ['org', orgId, 'quotas'] as const;

const PERIODS: { value: BudgetPeriod; label: string }[] = [
  { value: 'DAILY', label: 'Daily' }, { value: 'WEEKLY', label: 'Weekly (from Monday)' }, { value: 'MONTHLY', label: 'Monthly' },
  { value: 'QUARTERLY', label: 'Quarterly' }, { value: 'TOTAL', label: 'Total (never resets)' },
];
const METRICS: { value: QuotaMetric; label: string }[] = [
  { value: 'REQUESTS', label: 'Requests' }, { value: 'TOKENS', label: 'Tokens (input + output)' },
  { value: 'INPUT_TOKENS', label: 'Input tokens' }, { value: 'OUTPUT_TOKENS', label: 'Output tokens' },
];
const OWNER_TYPES = (Object.keys(OWNER_LABEL) as OwnerType[]).map((t) => ({ value: t, label: OWNER_LABEL[t] }));

export interface FixedOwner { type: OwnerType; id: string }

function OwnerFields(p: { owner?: FixedOwner; type: OwnerType; id: string; onType: (t: OwnerType) => void; onId: (id: string) => void; error?: string }) {
  const orgId = useOrgId();
  const names = useOwnerNames(orgId);
  if (p.owner) return null;
  return (
    <Group grow align="flex-start">
      <Select label="Scope" data={OWNER_TYPES} value={p.type} allowDeselect={false} onChange={(v) => { if (v) { p.onType(v as OwnerType); p.onId(v === 'ORGANISATION' ? orgId : ''); } }} />
      {p.type !== 'ORGANISATION' && (
        <Select label={OWNER_LABEL[p.type]} searchable required data={names.options(p.type)} value={p.id || null} onChange={(v) => p.onId(v ?? '')} error={p.error} comboboxProps={{ withinPortal: true }} />
      )}
    </Group>
  );
}

export function BudgetFormModal({ opened, onClose, budget, owner }: { opened: boolean; onClose: () => void; budget?: Budget; owner?: FixedOwner }) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const initial = () => ({
    ownerType: (budget?.ownerType ?? owner?.type ?? 'ORGANISATION') as OwnerType, ownerId: budget?.ownerId ?? owner?.id ?? orgId,
    period: (budget?.period ?? 'MONTHLY') as BudgetPeriod, timezone: budget?.timezone ?? browserTimeZone(), amountUsd: budget?.amountUsd ?? '',
    rollover: budget?.rollover ?? false, action: budget?.action ?? 'BLOCK', thresholds: (budget?.thresholds ?? [50, 80, 90, 100]).join(', '),
  });
  const form = useFormState(initial());
  useResetOnOpen(form, opened, initial);
  const save = useMutation({
    mutationFn: () => {
      const v = form.values;
      const thresholds = v.thresholds.split(/[\s,]+/).filter(Boolean).map(Number);
      const common = { period: v.period, timezone: v.timezone, amountUsd: v.amountUsd.trim(), rollover: v.rollover, action: v.action as 'BLOCK' | 'ALERT', thresholds };
      return budget ? api.updateBudget(orgId, budget.id, common) : api.createBudget(orgId, { ownerType: v.ownerType, ownerId: v.ownerId, ...common });
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: budgetsKey(orgId) });
      notifications.show({ color: 'teal', message: budget ? 'Budget saved' : 'Budget created' });
      onClose();
    },
    onError: (err) => form.showApiError(err),
  });
  const v = form.values;
  return (
    <FormModal opened={opened} onClose={onClose} title={budget ? 'Edit budget' : 'Create budget'} onSubmit={() => save.mutate()} submitLabel={budget ? 'Save budget' : 'Create budget'} busy={save.isPending}>
      {!budget && <OwnerFields owner={owner} type={v.ownerType} id={v.ownerId} onType={(t) => form.set('ownerType', t)} onId={(id) => form.set('ownerId', id)} error={form.errors.ownerId} />}
      <Group grow align="flex-start">
        <TextInput label="Amount (USD)" required data-autofocus placeholder="250.00" value={v.amountUsd} onChange={(e) => form.set('amountUsd', e.currentTarget.value)} error={form.errors.amountUsd ?? form.errors._form} />
        <Select label="Period" data={PERIODS} value={v.period} allowDeselect={false} onChange={(p) => p && form.set('period', p as BudgetPeriod)} />
      </Group>
      <TimezoneSelect value={v.timezone} onChange={(tz) => form.set('timezone', tz)} description="Periods start at midnight in this timezone." error={form.errors.timezone} />
      <Group grow align="flex-start">
        <Select label="When spent" data={[{ value: 'BLOCK', label: 'Block calls (402)' }, { value: 'ALERT', label: 'Alert only' }]} value={v.action} allowDeselect={false} onChange={(a) => a && form.set('action', a as 'BLOCK' | 'ALERT')} />
        <TextInput label="Alert thresholds (%)" value={v.thresholds} onChange={(e) => form.set('thresholds', e.currentTarget.value)} error={form.errors.thresholds} />
      </Group>
      <Checkbox label="Roll the unused amount over to the next period" checked={v.rollover} onChange={(e) => form.set('rollover', e.currentTarget.checked)} />
    </FormModal>
  );
}

export function QuotaFormModal({ opened, onClose, quota, owner }: { opened: boolean; onClose: () => void; quota?: Quota; owner?: FixedOwner }) {
  const orgId = useOrgId();
  const qc = useQueryClient();
  const initial = () => ({
    ownerType: (quota?.ownerType ?? owner?.type ?? 'ORGANISATION') as OwnerType, ownerId: quota?.ownerId ?? owner?.id ?? orgId,
    period: (quota?.period ?? 'DAILY') as BudgetPeriod, timezone: quota?.timezone ?? browserTimeZone(), metric: (quota?.metric ?? 'REQUESTS') as QuotaMetric,
    limit: (quota?.limit ?? '') as number | string,
  });
  const form = useFormState(initial());
  useResetOnOpen(form, opened, initial);
  const save = useMutation({
    mutationFn: () => {
      const v = form.values;
      const common = { period: v.period, timezone: v.timezone, metric: v.metric, limit: Number(v.limit) };
      return quota ? api.updateQuota(orgId, quota.id, common) : api.createQuota(orgId, { ownerType: v.ownerType, ownerId: v.ownerId, ...common });
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: quotasKey(orgId) });
      notifications.show({ color: 'teal', message: quota ? 'Quota saved' : 'Quota created' });
      onClose();
    },
    onError: (err) => form.showApiError(err),
  });
  const v = form.values;
  return (
    <FormModal opened={opened} onClose={onClose} title={quota ? 'Edit quota' : 'Create quota'} onSubmit={() => save.mutate()} submitLabel={quota ? 'Save quota' : 'Create quota'} busy={save.isPending}>
      {!quota && <OwnerFields owner={owner} type={v.ownerType} id={v.ownerId} onType={(t) => form.set('ownerType', t)} onId={(id) => form.set('ownerId', id)} error={form.errors.ownerId} />}
      <Group grow align="flex-start">
        <Select label="Metric" data={METRICS} value={v.metric} allowDeselect={false} onChange={(m) => m && form.set('metric', m as QuotaMetric)} />
        <NumberInput label="Limit" required min={0} allowDecimal={false} value={v.limit} onChange={(n) => form.set('limit', n)} error={form.errors.limit ?? form.errors._form} />
      </Group>
      <Select label="Period" data={PERIODS} value={v.period} allowDeselect={false} onChange={(p) => p && form.set('period', p as BudgetPeriod)} />
      <TimezoneSelect value={v.timezone} onChange={(tz) => form.set('timezone', tz)} description="Periods start at midnight in this timezone." error={form.errors.timezone} />
    </FormModal>
  );
}
