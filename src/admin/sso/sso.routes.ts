import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { noteAudit } from '../../audit/audit-context.ts';
import { z } from 'zod';
import { GatewayError } from '../../errors/index.ts';
import { toGatewayError } from '../../errors/to-gateway-error.ts';
import { sha256Hex } from '../../crypto/tokens.ts';
import { externalIdentityRepo, ssoFlowRepo } from '../../store/repos/external-identity.repo.ts';
import { operatorRepo } from '../../store/repos/operator.repo.ts';
import { userRepo } from '../../store/repos/user.repo.ts';
import { teamRepo } from '../../store/repos/team.repo.ts';
import { startSession } from '../auth/session-cookie.ts';
import { requireOperator } from '../auth/operator-auth.ts';
import { createOidcClient, randomToken } from './oidc-client.ts';
import { createGithubClient } from './github-client.ts';
import { createSsoIdentityService, createSsoLinkService, type ExternalProfile, type SsoRepos } from './sso-identity.service.ts';
import { ssoErrorPage } from './sso-error-page.ts';

/** The browser-bound half of a sign-in in progress: its `state`, compared with the callback's (login CSRF). */
const STATE_COOKIE = 'odock_sso_state';
const FLOW_TTL_MS = 10 * 60_000;
/** Sign-ins in progress at once, deployment-wide (each lives FLOW_TTL_MS unless finished). */
const MAX_FLOWS = 10_000;
type Provider = 'oidc' | 'github';
// For the OpenAPI document: what the provider sends back to the callbacks (RFC 6749 §4.1.2).
const CallbackQuery = z.object({ code: z.string().optional(), state: z.string().optional(), error: z.string().optional(), error_description: z.string().optional() });
const NoQuery = z.object({});
/** `?link=1` from a logged-in browser: link the identity to this login instead of signing in. */
const LoginQuery = z.object({ link: z.literal('1').optional() });

/** Company sign-in: which providers are on (public), and the login / callback pair of each. */
export async function ssoRoutes(app: FastifyInstance): Promise<void> {
  const { config, store } = app.deps;
  const { sso } = config;
  const db = store.db;
  const flows = ssoFlowRepo(db);
  // Without ODOCK_PUBLIC_URL, the address the browser used (the provider only redirects to URIs registered with it).
  const callbackUrl = (req: FastifyRequest, p: Provider) => `${sso.publicUrl ?? `${req.overTls ? 'https' : 'http'}://${req.headers.host}`}/api/auth/${p}/callback`;
  const oidc = sso.oidc && createOidcClient(sso.oidc);
  const github = sso.github && createGithubClient(sso.github);
  const transaction = <T>(work: (r: SsoRepos) => Promise<T>) => db.transaction().execute((tx) => work({
    identities: externalIdentityRepo(tx), operators: operatorRepo(tx), users: userRepo(tx), teams: teamRepo(tx),
  }));
  const linking = createSsoLinkService({ transaction });
  const identities = createSsoIdentityService({
    transaction,
    organisation: sso.organisation, defaultRole: sso.defaultRole, groupMapping: sso.oidc?.groupMapping ?? {},
  });

  app.get('/auth/providers', { config: { querySchema: NoQuery } }, async () => ({
    passwordLogin: sso.passwordLogin,
    providers: [
      ...(oidc ? [{ id: 'oidc', name: sso.oidc!.displayName, loginUrl: '/api/auth/oidc/login' }] : []),
      ...(github ? [{ id: 'github', name: 'GitHub', loginUrl: '/api/auth/github/login' }] : []),
    ],
  }));

  /** Records the flow (by the hash of its state), binds the state to this browser, redirects to the provider. */
  async function begin(req: FastifyRequest, reply: FastifyReply, provider: Provider, url: (f: { state: string; nonce: string; verifier: string }) => Promise<string> | string) {
    const f = { state: randomToken(), nonce: randomToken(), verifier: randomToken() };
    const linkTo = (req.query as { link?: unknown }).link === '1' ? requireOperator(req).id : null;
    const now = Date.now();
    const target = await url(f);
    const stored = await flows.insert({ state_hash: sha256Hex(f.state), provider, nonce: f.nonce, code_verifier: f.verifier, link_operator_id: linkTo, expires_at: new Date(now + FLOW_TTL_MS).toISOString(), created_at: new Date(now).toISOString() }, MAX_FLOWS);
    if (!stored) throw new GatewayError('too_many_attempts', 'Too many sign-ins are in progress: try again in a few minutes', { retry_after: 60 }, { 'retry-after': '60' });
    // Lax: the callback is a top-level navigation from the provider's site.
    reply.setCookie(STATE_COOKIE, f.state, { httpOnly: true, sameSite: 'lax', path: '/api/auth', maxAge: FLOW_TTL_MS / 1000, secure: req.overTls === true });
    return reply.redirect(target, 302);
  }

  /** Checks state against the cookie, consumes the flow once, runs `complete`, opens the session, goes to the console. */
  async function finish(req: FastifyRequest, reply: FastifyReply, provider: Provider, complete: (code: string, flow: { nonce: string; verifier: string }) => Promise<ExternalProfile>) {
    try {
      const q = req.query as Record<string, unknown>;
      reply.clearCookie(STATE_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/api/auth', secure: req.overTls === true });
      if (typeof q.error === 'string') throw new GatewayError('sso_failed', `The provider refused the sign-in (${/^[\w.-]{1,64}$/.test(q.error) ? q.error : 'error'})`);
      const state = typeof q.state === 'string' ? q.state : '';
      const code = typeof q.code === 'string' && q.code.length <= 2048 ? q.code : '';
      const bound = req.cookies?.[STATE_COOKIE];
      if (!state || !bound || bound !== state) throw new GatewayError('sso_failed', 'The sign-in state does not match the one this browser started: start again from the login page');
      if (!code) throw new GatewayError('sso_failed', 'The provider sent no authorization code');
      const flow = await flows.consume(sha256Hex(state));
      if (!flow || flow.provider !== provider || flow.expires_at <= new Date().toISOString()) {
        throw new GatewayError('sso_failed', 'This sign-in has expired or was already used: start again from the login page');
      }
      const profile = await complete(code, { nonce: flow.nonce, verifier: flow.code_verifier });
      if (flow.link_operator_id) {
        // The browser finishing a link must still be the login that started it.
        if (req.operator?.id !== flow.link_operator_id) throw new GatewayError('sso_failed', 'Log in to Odock again, then link the account');
        await linking.link(profile, flow.link_operator_id);
        noteAudit(req, { action: `auth.${provider}_link`, targetType: 'operator', targetId: flow.link_operator_id, organisationId: null });
        return reply.redirect('/', 302);
      }
      const { operatorId } = await identities.signIn(profile);
      await startSession(req, reply, operatorId);
      noteAudit(req, { action: `auth.${provider}_login`, targetType: 'operator', targetId: operatorId, organisationId: null, actor: { id: operatorId, email: profile.email ?? '' } });
      return reply.redirect('/', 302);
    } catch (e) {
      const ge = toGatewayError(e);
      if (ge.status >= 500) app.log.error({ requestId: req.id, err: e }, 'company sign-in failed');
      // A person following the provider's redirect gets a page; a script the JSON error.
      if (!(req.headers.accept ?? '').includes('text/html')) throw ge;
      return reply.status(ge.status).type('text/html; charset=utf-8').send(ssoErrorPage(ge));
    }
  }

  // One's own linked identities (never another operator's), for the console's sign-in card.
  app.get('/auth/identities', { config: { querySchema: NoQuery } }, async (req) => {
    const op = requireOperator(req);
    const rows = await externalIdentityRepo(db).listOfOperator(op.id);
    return { items: rows.map((r) => ({ id: r.id, provider: r.provider, issuer: r.issuer, email: r.email, createdAt: r.created_at, lastLoginAt: r.last_login_at })), nextCursor: null };
  });

  const notConfigured = (what: string) => new GatewayError('not_found', `${what} sign-in is not configured`);

  app.get('/auth/oidc/login', { config: { querySchema: LoginQuery } }, async (req, reply) => {
    if (!oidc) throw notConfigured('OpenID Connect');
    return begin(req, reply, 'oidc', (f) => oidc.authorizationUrl({ ...f, redirectUri: callbackUrl(req, 'oidc') }));
  });
  app.get('/auth/oidc/callback', { config: { querySchema: CallbackQuery } }, async (req, reply) => {
    if (!oidc) throw notConfigured('OpenID Connect');
    return finish(req, reply, 'oidc', async (code, flow) => {
      const c = await oidc.complete(code, { ...flow, redirectUri: callbackUrl(req, 'oidc') });
      const groups = c[sso.oidc!.groupsClaim];
      return {
        provider: 'oidc', issuer: c.iss, subject: c.sub,
        email: typeof c.email === 'string' ? c.email : undefined,
        emailVerified: c.email_verified === true || c.email_verified === 'true',
        name: typeof c.name === 'string' ? c.name : undefined,
        groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : typeof groups === 'string' ? [groups] : [],
      };
    });
  });
  app.get('/auth/github/login', { config: { querySchema: LoginQuery } }, async (req, reply) => {
    if (!github) throw notConfigured('GitHub');
    return begin(req, reply, 'github', (f) => github.authorizationUrl(f.state, callbackUrl(req, 'github')));
  });
  app.get('/auth/github/callback', { config: { querySchema: CallbackQuery } }, async (req, reply) => {
    if (!github) throw notConfigured('GitHub');
    return finish(req, reply, 'github', (code) => github.complete(code, callbackUrl(req, 'github')));
  });
}
