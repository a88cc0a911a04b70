import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../context.ts';
import type { ResolvedAuth } from '../auth/auth-entry.ts';
import type { ModelRoute } from '../access/org-routes.ts';
import type { PolicyHandle } from '../policy/index.ts';
import { admitRequest } from './policy-gate.ts';
import type { GatewayRequest } from './gateway-request.ts';

/**
 * What admitting one candidate holds until the call ends: complete() with the real usage on
 * success, abort() when the call fails or fails over to another candidate (its leases and
 * reservations go back). The policy ticket today; budget reservations join it here.
 */
export type Admission = PolicyHandle;

/**
 * The admission step for one candidate model: its policies (and budgets) are the ones that
 * apply, since that is the model actually called. The unrouted path calls it once; the attempt
 * loop (attempts.ts) once per candidate it tries.
 */
export function admitCandidate(deps: Pick<AppDeps, 'policy' | 'clientIp'>, req: FastifyRequest, auth: ResolvedAuth, route: ModelRoute, request: GatewayRequest): Promise<Admission> {
  return admitRequest(deps.policy, deps.clientIp, req, auth, route, request);
}
