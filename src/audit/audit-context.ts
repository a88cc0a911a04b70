import { AsyncLocalStorage } from 'node:async_hooks';

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

const storage = new AsyncLocalStorage<AuditContext>();

/** Runs `fn` (the rest of an admin request) with its audit context reachable from services. */
export const runWithAuditContext = (ctx: AuditContext, fn: () => void): void => storage.run(ctx, fn);

/**
 * Called from a service during an admin call; a no-op anywhere else (tests, workers). On a GET
 * route (which is otherwise not audited, e.g. a sign-in callback) naming an `action` records it.
 */
export function noteAudit(note: AuditNote): void {
  const ctx = storage.getStore();
  if (ctx) Object.assign(ctx.note, note);
}
