// Routing: the organisation's routing rules (for a requested model, which candidate models to try
// and how), and a dry run that shows, for a key and a model, what a call would try in order.
import { ActionIcon, Badge, Button, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconRoute, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { routingApi } from '../../api/routing-endpoints.ts';
import type { RoutingRule } from '../../api/routing-types.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PagedTable } from '../../components/paged-table.tsx';
import { ReadOnlyNotice } from '../../components/read-only-notice.tsx';
import { usePagedQuery } from '../../hooks/use-paged-query.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { RoutingExplainCard } from './routing-explain-card.tsx';
import { RoutingRuleModal } from './routing-rule-modal.tsx';
import { routingRulesKey, STRATEGY_LABEL, useRoutingNames } from './routing-queries.ts';

export function RoutingPage() {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const paged = usePagedQuery(routingRulesKey(orgId), (q) => routingApi.listRoutingRules(orgId, q));
  const names = useRoutingNames(orgId);
  const [creating, setCreating] = useState(false);
  const [removing, setRemoving] = useState<RoutingRule | null>(null);
  const add = <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} disabled={!canMutate}>Add Routing Rule</Button>;

  return (
    <>
      <PageHeader
        title="Routing"
        description="Fallbacks and load spreading: for a requested model, the candidate models to try when it fails or to share its traffic with. A key only ever reaches candidates it is granted."
        actions={add}
      />
      <ReadOnlyNotice />
      <PagedTable<RoutingRule>
        label="Routing rules"
        paged={paged}
        minWidth={860}
        empty={{ icon: <IconRoute size={22} />, title: 'No routing rules yet', description: 'Without rules each model is called as configured (spread over its deployments when it has some).', action: canMutate && add }}
        columns={[
          { key: 'model', header: 'Requested model', render: (r) => <Text size="sm" fw={500}>{names.modelName.get(r.modelId) ?? '…'}</Text> },
          { key: 'scope', header: 'Applies to', render: (r) => <Text size="sm">{r.apiKeyId ? `Key ${names.keyName.get(r.apiKeyId) ?? '…'}` : 'Whole organisation'}</Text> },
          { key: 'strategy', header: 'Strategy', render: (r) => <Badge variant="light" radius="sm">{STRATEGY_LABEL[r.strategy]}</Badge> },
          { key: 'candidates', header: 'Candidates', render: (r) => <Text size="sm">{[...r.candidates].sort((a, b) => a.priority - b.priority).map((c) => names.modelName.get(c.modelId) ?? '…').join(' → ')}</Text> },
          { key: 'on', header: 'Fails over on', render: (r) => <Text size="xs" c="dimmed">{r.failoverOn.join(', ')}</Text> },
          { key: 'attempts', header: 'Attempts', align: 'right', render: (r) => <Text size="sm">{r.maxAttempts}{r.retryDelayMs ? ` · ${r.retryDelayMs} ms backoff` : ''}</Text> },
          ...(canMutate ? [{ key: 'actions', header: '', align: 'right' as const, render: (r: RoutingRule) => (
            <ActionIcon variant="subtle" color="red" aria-label={`Delete rule for ${names.modelName.get(r.modelId) ?? 'model'}`} onClick={() => setRemoving(r)}><IconTrash size={16} /></ActionIcon>
          ) }] : []),
        ]}
      />
      <RoutingExplainCard names={names} />
      <RoutingRuleModal opened={creating} onClose={() => setCreating(false)} names={names} onDone={() => void qc.invalidateQueries({ queryKey: routingRulesKey(orgId) })} />
      <ConfirmDialog
        opened={!!removing}
        onClose={() => setRemoving(null)}
        title="Delete this routing rule?"
        message={<>Calls for {names.modelName.get(removing?.modelId ?? '') ?? 'this model'} go only to the model itself again.</>}
        confirmLabel="Delete rule"
        color="red"
        onConfirm={async () => {
          await routingApi.deleteRoutingRule(orgId, removing!.id);
          await qc.invalidateQueries({ queryKey: routingRulesKey(orgId) });
          notifications.show({ color: 'teal', message: 'Routing rule deleted' });
        }}
      />
    </>
  );
}
