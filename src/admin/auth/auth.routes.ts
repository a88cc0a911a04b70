import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { identityTransaction } from '../../store/repos/identity.repos.ts';
import { organisationRepo } from '../../store/repos/organisation.repo.ts';
import { userRepo } from '../../store/repos/user.repo.ts';
import { parseBody } from '../shared/validation.ts';
import { GatewayError } from '../../errors/index.ts';
import { operatorView, requireOperator } from './operator-auth.ts';
import { SESSION_COOKIE, clearSessionCookie, sessionsOf, startSession } from './session-cookie.ts';
import { clientIpOf, credentialVerifier } from './credentials.ts';
import { email, newPassword } from './credential-fields.ts';
import { createAuthService } from './auth.service.ts';

const Login = z.object({ email, password: z.string().min(1).max(1000) }).strict();
/** `email` only when not logged in: the forced change after a super-admin reset, answered by login with 403 password_change_required. */
const PasswordChange = z.object({ email: email.optional(), currentPassword: z.string().min(1).max(1000), newPassword }).strict();

/** Login, logout, who am I, and one's own password. */
export async function authRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.store;
  const auth = createAuthService({
    verify: credentialVerifier(app.deps),
    organisations: organisationRepo(db),
    users: userRepo(db),
    transaction: identityTransaction(db),
  });

  app.post('/auth/login', { config: { bodySchema: Login } }, async (req, reply) => {
    if (!app.deps.config.sso.passwordLogin) throw new GatewayError('password_login_disabled', 'Password sign-in is turned off on this deployment: use company sign-in');
    const body = parseBody(Login, req.body);
    const op = await auth.login(body.email, body.password, clientIpOf(req));
    await startSession(req, reply, op.id);
    return { operator: operatorView({ id: op.id, email: op.email, name: op.name, superAdmin: !!op.super_admin }) };
  });

  app.post('/auth/logout', async (req, reply) => {
    const sid = req.cookies?.[SESSION_COOKIE];
    if (sid) await sessionsOf(req).end(sid);
    clearSessionCookie(reply, req.overTls === true);
    return { ok: true };
  });

  app.get('/auth/me', async (req) => {
    const op = requireOperator(req);
    return { operator: operatorView(op), organisations: await auth.organisationsOf(op) };
  });

  app.post('/auth/password', { config: { bodySchema: PasswordChange } }, async (req, reply) => {
    const body = parseBody(PasswordChange, req.body);
    // Not logged in, this opens a session with a password: a login by another door.
    if (!req.operator && !app.deps.config.sso.passwordLogin) throw new GatewayError('password_login_disabled', 'Password sign-in is turned off on this deployment: use company sign-in');
    const { keptSession, operatorId } = await auth.changePassword({
      current: req.operator, email: body.email, currentPassword: body.currentPassword, newPassword: body.newPassword,
      ip: clientIpOf(req),
    });
    if (!keptSession) await startSession(req, reply, operatorId);
    return { ok: true };
  });
}
