// Add Routing Rule: the requested model, who it applies to (the organisation or one key), the
// strategy, the candidates in order, what fails over, attempts and backoff.
import { MultiSelect, NumberInput, Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { routingApi } from '../../api/routing-endpoints.ts';
import type { FailoverOn, Strategy } from '../../api/routing-types.ts';
import { FormModal } from '../../components/form-modal.tsx';
import { useFormState, useResetOnOpen } from '../../hooks/use-form-state.ts';
import { useOrgId } from '../../hooks/use-session.ts';
import { STRATEGY_LABEL, type useRoutingNames } from './routing-queries.ts';

const FAILOVER_OPTIONS: { value: FailoverOn; label: string }[] = [
  { value: 'SERVER_ERROR', label: 'Server errors (5xx)' },
  { value: 'TIMEOUT', label: 'Timeouts' },
  { value: 'RATE_LIMIT', label: 'Rate limits (429)' },
  { value: 'ANY', label: 'Any error' },
];

export function RoutingRuleModal({ opened, onClose, onDone, names }: { opened: boolean; onClose: () => void; onDone: () => void; names: ReturnType<typeof useRoutingNames> }) {
  const orgId = useOrgId();
  const initial = () => ({
    modelId: null as string | null, apiKeyId: null as string | null, strategy: 'FAILOVER' as Strategy, candidates: [] as string[],
    failoverOn: ['SERVER_ERROR', 'TIMEOUT', 'RATE_LIMIT'] as string[], maxAttempts: 3 as number | string, retryDelayMs: 0 as number | string,
  });
  const form = useFormState(initial());
  useResetOnOpen(form, opened, initial);
  const models = names.models.map((m) => ({ value: m.id, label: m.name }));
  const create = useMutation({
    mutationFn: () => routingApi.createRoutingRule(orgId, {
      modelId: form.values.modelId ?? '', apiKeyId: form.values.apiKeyId, strategy: form.values.strategy,
      // Priority follows the order the candidates were picked in.
      candidates: form.values.candidates.map((modelId, i) => ({ modelId, priority: i + 1, weight: 1 })),
      failoverOn: form.values.failoverOn as FailoverOn[], maxAttempts: Number(form.values.maxAttempts), retryDelayMs: Number(form.values.retryDelayMs),
    }),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: 'Routing rule created' });
      onDone();
      onClose();
    },
    onError: (err) => form.showApiError(err),
  });

  return (
    <FormModal opened={opened} onClose={onClose} title="Add Routing Rule" onSubmit={() => create.mutate()} submitLabel="Create Rule" busy={create.isPending} size="lg">
      <Select label="Requested model" placeholder="The model clients ask for" searchable data={models} value={form.values.modelId} onChange={(v) => form.set('modelId', v)} error={form.errors.modelId} />
      <Select label="Applies to" placeholder="Whole organisation" clearable searchable value={form.values.apiKeyId} onChange={(v) => form.set('apiKeyId', v)} error={form.errors.apiKeyId}
        description="A rule for one key wins over the organisation's rule"
        data={names.keys.map((k) => ({ value: k.id, label: k.name ?? k.maskedKey }))} />
      <Select label="Strategy" allowDeselect={false} value={form.values.strategy} onChange={(v) => v && form.set('strategy', v as Strategy)} error={form.errors.strategy}
        data={Object.entries(STRATEGY_LABEL).map(([value, label]) => ({ value, label }))} />
      <MultiSelect label="Candidates" description="Tried after the requested model, in the order picked (any provider: requests are translated)" searchable
        data={models.filter((m) => m.value !== form.values.modelId)} value={form.values.candidates} onChange={(v) => form.set('candidates', v)} error={form.errors.candidates} />
      <MultiSelect label="Fail over on" data={FAILOVER_OPTIONS} value={form.values.failoverOn} onChange={(v) => form.set('failoverOn', v)} error={form.errors.failoverOn} />
      <NumberInput label="Max attempts" min={1} max={10} value={form.values.maxAttempts} onChange={(v) => form.set('maxAttempts', v)} error={form.errors.maxAttempts} />
      <NumberInput label="Retry delay (ms)" description="Doubled after each retry" min={0} max={60000} value={form.values.retryDelayMs} onChange={(v) => form.set('retryDelayMs', v)} error={form.errors.retryDelayMs} />
      {form.errors._form && <Text c="red" size="sm">{form.errors._form}</Text>}
    </FormModal>
  );
}
