import type { AppDeps } from '../context.ts';
import type { ResolvedAuth } from '../auth/auth-entry.ts';
import type { ModelRoute } from '../access/org-routes.ts';
import type { PolicyHandle } from '../policy/index.ts';
import { inSpan } from '../ops/tracing/span-handle.ts';
import { admitRequest } from './policy-gate.ts';
import { reserveBudgets, type BudgetHold } from './budget-gate.ts';
import type { GatewayRequest } from './gateway-request.ts';
import type { GatewayCallRequest } from './gateway-exchange.ts';

const NO_USAGE = { inputTokens: 0, outputTokens: 0 };

/**
 * What admitting one candidate holds until the call ends: the policy ticket (leases, token
 * reservations) and the budget hold (worst-case cost and quota units). The caller completes or
 * settles both with the real usage; a candidate given up before its provider answered (refused,
 * failed over) gives both back with release().
 */
export interface Admission {
  readonly policy: PolicyHandle;
  readonly budget: BudgetHold;
  /** Smallest payload.max_tokens of the policy stack (the output cap sent upstream). */
  readonly maxTokensCap: number | undefined;
  release(): Promise<void>;
}

/**
 * The admission step for one candidate model: its policies, then its budgets (a budget prices
 * the model actually called). The unrouted path calls it once; the attempt loop (attempts.ts)
 * once per candidate it tries. A budget refusal gives the policy ticket back before it throws.
 */
export async function admitCandidate(deps: Pick<AppDeps, 'policy' | 'clientIp' | 'budgets'>, req: GatewayCallRequest, auth: ResolvedAuth, route: ModelRoute, request: GatewayRequest): Promise<Admission> {
  const policy = req.span
    ? await inSpan(req.span, 'gateway.policy', () => admitRequest(deps.policy, deps.clientIp, req, auth, route, request))
    : await admitRequest(deps.policy, deps.clientIp, req, auth, route, request);
  let budget: BudgetHold;
  try {
    budget = req.span
      ? await inSpan(req.span, 'gateway.budget', () => reserveBudgets(deps, auth, route, request, policy.maxTokensCap))
      : await reserveBudgets(deps, auth, route, request, policy.maxTokensCap);
  } catch (e) {
    await policy.abort(NO_USAGE);
    throw e;
  }
  return {
    policy, budget, maxTokensCap: policy.maxTokensCap,
    release: async () => {
      budget.release();
      await policy.abort(NO_USAGE);
    },
  };
}
