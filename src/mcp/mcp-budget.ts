import type { ResolvedAuth } from '../auth/auth-entry.ts';
import type { McpServerRoute } from '../access/org-routes.ts';
import type { BudgetsRuntime, Hold } from '../budgets/index.ts';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import type { CallLog } from './call-log.ts';
import { kindOf, type RpcMessage } from './jsonrpc.ts';

/** What a priced MCP POST holds on its budgets: the reservation, or the refusal its tool calls get. */
export interface ToolCallBudget {
  hold: Hold | null;
  /** budget_exceeded: every tools/call of the POST is answered with it as a JSON-RPC error. */
  refusal?: GatewayError;
}

/**
 * Reserves the price of every tools/call of a POST on the key's budgets (user, team,
 * organisation, key), before anything is forwarded. A server without a price costs nothing and
 * never touches the ledger. Quotas count model calls, not tool calls.
 */
export async function reserveToolCalls(deps: { budgets: BudgetsRuntime }, auth: ResolvedAuth, route: McpServerRoute, messages: RpcMessage[] | undefined): Promise<ToolCallBudget> {
  if (!route.priceNanoUsd || !messages) return { hold: null };
  const calls = messages.filter((m) => kindOf(m) === 'request' && m.method === 'tools/call').length;
  if (calls === 0) return { hold: null };
  try {
    const hold = await deps.budgets.enforcer.reserve({ orgId: auth.orgId, teamId: auth.teamId, userId: auth.userId, keyId: auth.keyId },
      { costNano: calls * route.priceNanoUsd, inputTokens: 0, outputTokens: 0 }, { budgetsOnly: true });
    return { hold };
  } catch (e) {
    if (isGatewayError(e) && e.code === 'budget_exceeded') return { hold: null, refusal: e };
    if (isGatewayError(e)) throw e;
    throw new GatewayError('store_unavailable', 'Budgets cannot be checked right now; try again shortly', {}, { 'retry-after': '1' });
  }
}

/**
 * Prices the tool calls that went to the server (blocked and refused ones cost nothing) on their
 * usage entries, and settles the reservation at that total.
 */
export function settleToolCalls(deps: { budgets: BudgetsRuntime }, route: McpServerRoute, log: CallLog, budget: ToolCallBudget | undefined): void {
  if (!route.priceNanoUsd) return;
  let total = 0;
  for (const e of log.entries) {
    if (e.method !== 'tools/call' || e.blocked || e.errorCode === 'budget_exceeded' || e.rpcId === undefined) continue;
    e.costNano = route.priceNanoUsd;
    total += route.priceNanoUsd;
  }
  if (budget?.hold) void deps.budgets.enforcer.settle(budget.hold, { costNano: total, inputTokens: 0, outputTokens: 0 });
}
