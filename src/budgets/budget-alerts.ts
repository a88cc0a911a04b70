import { randomUUID } from 'node:crypto';
import type { BudgetRepo } from '../store/repos/budget.repo.ts';
import type { WebhookRepo } from '../store/repos/webhook.repo.ts';
import type { ThresholdCrossing } from './budget-enforcer.ts';
import { formatUsd } from './money.ts';

export const WEBHOOK_EVENTS = ['budget.threshold'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface AlertSinkDeps {
  repo: Pick<BudgetRepo, 'insertAlertOnce'>;
  webhooks: Pick<WebhookRepo, 'enabledFor' | 'enqueue'>;
  /** Wakes the dispatcher so a fresh delivery goes out without waiting for the next poll. */
  kick?: () => void;
  onError?: (e: unknown) => void;
  now?: () => number;
}

/**
 * Turns a threshold crossing into at most one alert: the alert row's unique key (budget, period,
 * threshold) decides, in the store, which instance's crossing counts. The winner writes one
 * delivery per subscribed webhook into the outbox in the same step, for the dispatcher to send.
 */
export function createAlertSink(deps: AlertSinkDeps) {
  const now = deps.now ?? Date.now;
  const fire = async (c: ThresholdCrossing): Promise<void> => {
    const at = new Date(now()).toISOString();
    const periodStart = new Date(c.periodStart).toISOString();
    const alertId = randomUUID();
    const inserted = await deps.repo.insertAlertOnce({
      id: alertId, organisation_id: c.orgId, budget_id: c.budgetId, period_start: periodStart, threshold: c.threshold,
      spent_nano_usd: c.spentNano, limit_nano_usd: c.limitNano, created_at: at,
    });
    if (!inserted) return;
    const hooks = (await deps.webhooks.enabledFor(c.orgId)).filter((w) => (JSON.parse(w.events) as string[]).includes('budget.threshold'));
    if (hooks.length === 0) return;
    const payload = JSON.stringify({
      id: alertId, type: 'budget.threshold', createdAt: at,
      data: { organisationId: c.orgId, budgetId: c.budgetId, periodStart, threshold: c.threshold, spentUsd: formatUsd(c.spentNano), limitUsd: formatUsd(c.limitNano) },
    });
    await deps.webhooks.enqueue(hooks.map((w) => ({
      id: randomUUID(), organisation_id: c.orgId, webhook_id: w.id, event: 'budget.threshold', payload, status: 'PENDING', attempts: 0,
      next_attempt_at: at, claimed_by: null, claimed_until: null, last_status_code: null, last_error: null, delivered_at: null, created_at: at,
    })));
    deps.kick?.();
  };
  return (c: ThresholdCrossing): Promise<void> => fire(c).catch((e) => deps.onError?.(e));
}
