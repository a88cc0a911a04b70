import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditRepo } from '../store/repos/audit.repo.ts';
import { auditTargetOf } from './audit-action.ts';
import { createAuditWriter, type AuditEntry } from './audit-writer.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Statuses of a refused login worth recording (wrong password, throttled, reset pending).
const FAILED_LOGIN = new Set([401, 403, 429]);
const SNAPSHOT_HEADER = 'x-odock-audit-snapshot';

type Json = Record<string, any>;

/**
 * The audit trail of the admin API, installed once on its route group so that no route can be
 * forgotten: every successful non-GET call, login (and refused login), logout, and every call
 * made with an operator access token writes one entry. The action and target come from the
 * route (audit-action.ts); before/after are the target record's own GET, fetched in-process
 * before and after the call (views never hold secrets, and the entry is masked again anyway);
 * routes may refine all of it through noteAudit(req, …).
 *
 * The entry is written in onSend, before the response leaves: when the client sees success the
 * entry is stored. Must be called before the route plugins are registered.
 */
export function registerAuditTrail(app: FastifyInstance): void {
  const write = createAuditWriter({ audit: auditRepo(app.deps.store.db), logger: app.deps.logger, onFailure: () => app.deps.metrics.auditWriteFailed() });
  // Marks our own in-process snapshot reads, which are not operator actions.
  const snapshotSecret = randomBytes(16).toString('hex');
  const isSnapshot = (req: FastifyRequest) => req.headers[SNAPSHOT_HEADER] === snapshotSecret;

  const snapshot = async (req: FastifyRequest, recordUrl: string): Promise<unknown> => {
    const params = (req.params ?? {}) as Record<string, string>;
    const url = '/api' + recordUrl.replace(/:(\w+)/g, (_m, p: string) => encodeURIComponent(params[p] ?? ''));
    const headers: Record<string, string> = { [SNAPSHOT_HEADER]: snapshotSecret };
    if (req.headers.cookie) headers.cookie = req.headers.cookie;
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const res = await req.server.inject({ method: 'GET', url, headers });
    return res.statusCode === 200 ? res.json() : undefined;
  };

  const routeOf = (req: FastifyRequest): string | undefined => req.routeOptions.url?.replace(/^\/api(?=\/)/, '');
  const audited = (req: FastifyRequest) => MUTATING.has(req.method) && req.routeOptions.config?.audit !== false && !isSnapshot(req);

  app.addHook('preHandler', async (req) => {
    const route = routeOf(req);
    if (!route || !audited(req) || !req.operator) return;
    const { recordUrl } = auditTargetOf(req.method, route);
    if (recordUrl) req.audit = { note: {}, before: await snapshot(req, recordUrl) };
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const entry = await entryOf(req, reply, payload);
    if (entry) await write(entry);
    return payload;
  });

  async function entryOf(req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<AuditEntry | undefined> {
    const route = routeOf(req);
    if (!route || isSnapshot(req)) return undefined;
    const status = reply.statusCode;
    const op = req.operator;
    const ip = req.server.deps.clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']);
    const params = (req.params ?? {}) as Record<string, string>;
    const noted = req.audit?.note;
    if (!MUTATING.has(req.method) && noted?.action && status < 400) {
      // A GET that changes something said so itself (noteAudit): e.g. an SSO callback signing in.
      const actor = op ? actorOf(req) : loggedIn(noted.actor) ?? { type: 'anonymous' as const };
      return {
        organisationId: noted.organisationId ?? params.orgId ?? null, actor, ip, action: noted.action,
        targetType: noted.targetType, targetId: noted.targetId, changes: changesOf(noted.before, noted.after),
      };
    }
    if (!MUTATING.has(req.method)) {
      // Reads are not audited, except those made with an access token: every use of a token is.
      if (op?.token && status < 400) {
        return { organisationId: params.orgId ?? null, actor: actorOf(req), ip, action: 'operator_token.use', targetType: 'route', targetId: `${req.method} ${route}`, changes: {} };
      }
      return undefined;
    }
    if (!audited(req)) return undefined;
    const body = parseJson(payload, reply);
    const isLogin = req.method === 'POST' && route === '/auth/login';
    if (isLogin && FAILED_LOGIN.has(status)) {
      return {
        organisationId: null, actor: { type: 'anonymous', label: emailOf(req) }, ip,
        action: 'auth.login_failed', targetType: 'operator', changes: { reason: body?.error?.code ?? String(status) },
      };
    }
    if (status < 200 || status >= 300) return undefined;
    if (route === '/auth/logout' && !op) return undefined;
    const t = auditTargetOf(req.method, route);
    const note = req.audit?.note ?? {};
    const before = note.before ?? req.audit?.before;
    let after = note.after;
    if (after === undefined && req.method !== 'DELETE') {
      const snap = before !== undefined && t.recordUrl ? await snapshot(req, t.recordUrl) : undefined;
      after = snap !== undefined && JSON.stringify(snap) !== JSON.stringify(before) ? snap : body;
    }
    // Who: the operator of the request; on login or accepting an invitation, the one it logged in.
    const actor: AuditEntry['actor'] = op ? actorOf(req) : loggedIn(note.actor) ?? loggedIn(body?.operator?.id ? body.operator : undefined)
      ?? { type: 'anonymous', label: emailOf(req) };
    const organisationId = note.organisationId !== undefined ? note.organisationId
      : params.orgId ?? (route === '/organisations' ? body?.id : undefined) ?? body?.organisation?.id ?? null;
    const targetId = note.targetId ?? (t.targetParam ? params[t.targetParam] : undefined) ?? (typeof body?.id === 'string' ? body.id : undefined)
      ?? (t.targetType === 'operator' ? actor.id : undefined);
    return { organisationId, actor, ip, action: note.action ?? t.action, targetType: note.targetType ?? t.targetType, targetId, changes: changesOf(before, after) };
  }
}

function actorOf(req: FastifyRequest): AuditEntry['actor'] {
  const op = req.operator!;
  return op.token
    ? { type: 'token', id: op.token.id, label: op.token.name, operatorId: op.id, operatorEmail: op.email }
    : { type: 'operator', id: op.id, label: op.email, operatorId: op.id, operatorEmail: op.email };
}

/** The email a body named (a refused login, a forced password change): who tried, never what with. */
function emailOf(req: FastifyRequest): string | undefined {
  const email = (req.body as Json | undefined)?.email;
  return typeof email === 'string' ? email.slice(0, 320) : undefined;
}

/** The operator a request just logged in (it has no session yet). */
function loggedIn(op: { id: string; email: string } | undefined): AuditEntry['actor'] | undefined {
  return op ? { type: 'operator', id: op.id, label: op.email, operatorId: op.id, operatorEmail: op.email } : undefined;
}

function changesOf(before: unknown, after: unknown): Json {
  const changes: Json = {};
  if (before !== undefined) changes.before = before;
  if (after !== undefined) changes.after = after;
  return changes;
}

function parseJson(payload: unknown, reply: FastifyReply): Json | undefined {
  if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').includes('json')) return undefined;
  try {
    const v = JSON.parse(payload) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}
