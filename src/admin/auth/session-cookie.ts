import type { FastifyReply, FastifyRequest } from 'fastify';
import { createSessionService } from './sessions.service.ts';
import { sessionRepo } from '../../store/repos/session.repo.ts';

export const SESSION_COOKIE = 'odock_session';

export function setSessionCookie(reply: FastifyReply, value: string, maxAgeSeconds: number, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: maxAgeSeconds, secure });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean) {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure });
}

/** The session service of this app (sessions last SESSION_TTL_HOURS). */
export const sessionsOf = (req: FastifyRequest) =>
  createSessionService({ sessions: sessionRepo(req.server.deps.store.db), ttlHours: req.server.deps.config.SESSION_TTL_HOURS });

/** Opens a session for an operator and sets its cookie (`Secure` when the browser came over TLS). */
export async function startSession(req: FastifyRequest, reply: FastifyReply, operatorId: string): Promise<void> {
  const { sid, maxAgeSeconds } = await sessionsOf(req).open(operatorId);
  setSessionCookie(reply, sid, maxAgeSeconds, req.overTls === true);
}
