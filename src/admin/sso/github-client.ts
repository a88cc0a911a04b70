import { GatewayError } from '../../errors/index.ts';
import type { SsoConfig } from '../../config/sso-env.ts';
import { fetchJson } from './sso-http.ts';
import type { ExternalProfile } from './sso-identity.service.ts';

type GithubSettings = NonNullable<SsoConfig['github']>;

/**
 * GitHub's OAuth web flow (state-protected): the authorize URL, the code exchange, then the user,
 * their primary verified email and, when GITHUB_ALLOWED_ORG is set, an active membership of it.
 * The identity is GitHub's numeric user id (a login can be renamed and re-registered by someone else).
 */
export function createGithubClient(settings: GithubSettings) {
  const api = (path: string, token: string) =>
    fetchJson<unknown>(`${settings.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}`, 'x-github-api-version': '2022-11-28', 'user-agent': 'odock' } }, 'GitHub');

  return {
    issuer: settings.oauthUrl,
    authorizationUrl(state: string, redirectUri: string): string {
      const url = new URL(`${settings.oauthUrl}/login/oauth/authorize`);
      url.searchParams.set('client_id', settings.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', settings.allowedOrg ? 'read:user user:email read:org' : 'read:user user:email');
      url.searchParams.set('state', state);
      url.searchParams.set('allow_signup', 'false');
      return url.toString();
    },

    async complete(code: string, redirectUri: string): Promise<ExternalProfile> {
      const tokens = await fetchJson<{ access_token?: string; error?: string }>(`${settings.oauthUrl}/login/oauth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: settings.clientId, client_secret: settings.clientSecret, code, redirect_uri: redirectUri }).toString(),
      }, 'GitHub');
      // GitHub answers 200 with {"error": "bad_verification_code"} for a used or wrong code.
      if (typeof tokens.access_token !== 'string') throw new GatewayError('sso_failed', `GitHub refused the sign-in${typeof tokens.error === 'string' && /^[\w.-]{1,64}$/.test(tokens.error) ? ` (${tokens.error})` : ''}`);
      const token = tokens.access_token;
      const user = await api('/user', token) as { id?: unknown; login?: unknown; name?: unknown };
      if (typeof user.id !== 'number') throw new GatewayError('sso_failed', 'GitHub answered without a user id');
      const emails = await api('/user/emails', token).catch(() => []) as { email?: unknown; primary?: unknown; verified?: unknown }[];
      const primary = Array.isArray(emails) ? emails.find((e) => e.primary === true && typeof e.email === 'string') : undefined;
      if (settings.allowedOrg) {
        const m = await api(`/user/memberships/orgs/${encodeURIComponent(settings.allowedOrg)}`, token).catch(() => undefined) as { state?: unknown } | undefined;
        if (m?.state !== 'active') throw new GatewayError('sso_failed', `Only members of the GitHub organisation ${settings.allowedOrg} may sign in`);
      }
      return {
        provider: 'github', issuer: settings.oauthUrl, subject: String(user.id),
        email: typeof primary?.email === 'string' ? primary.email : undefined,
        emailVerified: primary?.verified === true,
        name: typeof user.name === 'string' && user.name ? user.name : typeof user.login === 'string' ? user.login : undefined,
        groups: [],
      };
    },
  };
}

export type GithubClient = ReturnType<typeof createGithubClient>;
