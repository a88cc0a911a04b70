import type { FastifyRequest } from 'fastify';

/**
 * What a service may add to the audit entry of the admin call it serves: a better action name,
 * the target, and before/after snapshots when the generic ones (the target record's GET, before
 * and after the call) miss something. Masked like everything else before it is stored.
 */
export interface AuditNote {
  action?: string;
  targetType?: string;
  targetId?: string;
  /** null: a deployment-wide entry. */
  organisationId?: string | null;
  before?: unknown;
  after?: unknown;
  /** Who acted, when the request had no operator yet (a sign-in callback that just logged them in). */
  actor?: { id: string; email: string };
}

export interface AuditContext {
  note: AuditNote;
  /** The target record as its GET showed it before the call. */
  before?: unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    audit?: AuditContext;
  }
  interface FastifyContextConfig {
    /** false: this non-GET route changes nothing (a dry run) and writes no audit entry. */
    audit?: false;
  }
}

/**
 * Called from an admin route during its call; adds to the audit entry of that call. On a GET route
 * (which is otherwise not audited, e.g. a sign-in callback) naming an `action` records it.
 *
 * The context travels on the request, not in an AsyncLocalStorage: once one `run()` has happened, an
 * AsyncLocalStorage makes Node 20 track every promise in the process, the gateway's included
 * (about 3 % of busy time under the bench load, bench/profile.ts).
 */
export function noteAudit(req: FastifyRequest, note: AuditNote): void {
  req.audit ??= { note: {} };
  Object.assign(req.audit.note, note);
}
