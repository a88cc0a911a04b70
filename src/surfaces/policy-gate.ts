import type { FastifyRequest } from 'fastify';
import type { ResolvedAuth } from '../auth/auth-entry.ts';
import type { ModelRoute } from '../access/org-routes.ts';
import type { Usage } from '../providers/contract.ts';

/** A request admitted by the policies; released with the real usage once it ends. */
export interface PolicyTicket {
  release(usage: Usage): void;
}

/** The policy step of the request path (IP, payload, rates, tokens, concurrency). */
export interface PolicyGate {
  admit(req: FastifyRequest, auth: ResolvedAuth, route: ModelRoute, body: Record<string, unknown>): Promise<PolicyTicket | undefined>;
}
