import type { ResolvedAuth } from '../auth/auth-entry.ts';
import type { ModelRoute } from '../access/org-routes.ts';
import type { Usage } from '../canonical/usage.types.ts';
import type { BudgetsRuntime, Hold } from '../budgets/index.ts';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import { costNanoUsd } from '../usage/pricing.ts';
import { defaultOutputTokens } from './policy-gate.ts';
import type { GatewayRequest } from './gateway-request.ts';

/** Output tokens assumed when neither the client, a policy nor the provider sets a cap (README: the estimation error). */
export const UNCAPPED_OUTPUT_ESTIMATE = 4096;

export interface BudgetHold {
  /**
   * The call is over: charge what it consumed. `cut`: a stream that ended early (client gone,
   * upstream failed) after its first byte. Providers report usage only at a stream's end, and
   * bill the tokens they generated before the abort, so such a call is charged at least its
   * reservation (never less than it may have cost). Once.
   */
  settle(costNano: number, usage: Usage, cut?: boolean): void;
  /** The call consumed nothing (failed before the provider answered). Once. */
  release(): void;
}

const NO_HOLD: BudgetHold = { settle() {}, release() {} };

/**
 * The budget step of the request path, after policies and before the upstream call: reserves the
 * call's worst case (input estimate + output budget at the model's prices) on every budget and
 * quota of the key, its user, team and organisation, or throws budget_exceeded / quota_exceeded.
 * One call per upstream candidate (routing calls it with the candidate's route).
 */
export async function reserveBudgets(deps: { budgets: BudgetsRuntime }, auth: ResolvedAuth, route: ModelRoute, request: GatewayRequest, maxOutputTokens: number | undefined): Promise<BudgetHold> {
  const cap = maxOutputTokens ?? Infinity;
  // Every answer the call asks for (n, candidateCount) may use the whole output budget.
  const out = request.answers * (request.outputTokens !== undefined ? Math.min(request.outputTokens, cap)
    : maxOutputTokens ?? defaultOutputTokens(route) ?? UNCAPPED_OUTPUT_ESTIMATE);
  const inputTokens = Math.max(0, Math.ceil(request.inputTokens));
  const costNano = costNanoUsd(route.pricing, { inputTokens, outputTokens: out, cachedTokens: 0, reasoningTokens: 0 });
  let hold: Hold | null;
  try {
    hold = await deps.budgets.enforcer.reserve({ orgId: auth.orgId, teamId: auth.teamId, userId: auth.userId, keyId: auth.keyId }, { costNano, inputTokens, outputTokens: out });
  } catch (e) {
    if (isGatewayError(e)) throw e;
    // Without the ledger no budget can be checked: refuse rather than spend unchecked.
    throw new GatewayError('store_unavailable', 'Budgets cannot be checked right now; try again shortly', {}, { 'retry-after': '1' });
  }
  if (!hold) return NO_HOLD;
  const h = hold;
  let done = false;
  return {
    settle(cost, usage, cut = false) {
      if (done) return;
      done = true;
      void deps.budgets.enforcer.settle(h, { costNano: cost, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }, true, cut);
    },
    release() {
      if (done) return;
      done = true;
      void deps.budgets.enforcer.settle(h, { costNano: 0, inputTokens: 0, outputTokens: 0 }, false);
    },
  };
}
