import { createHash, randomBytes } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import type { SsoConfig } from '../../config/sso-env.ts';
import { verifyIdToken, type IdTokenClaims, type Jwk } from './id-token.ts';
import { fetchJson } from './sso-http.ts';

type OidcSettings = NonNullable<SsoConfig['oidc']>;

interface Discovery { issuer: string; authorization_endpoint: string; token_endpoint: string; jwks_uri: string; userinfo_endpoint?: string }

const DISCOVERY_TTL_MS = 3600_000;
const JWKS_MIN_REFRESH_MS = 30_000;

export const randomToken = () => randomBytes(32).toString('base64url');
/** RFC 7636 S256: the challenge is the base64url SHA-256 of the verifier. */
export const pkceChallenge = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/**
 * The OpenID Connect relying party: discovery (cached an hour), the authorization URL (code flow,
 * PKCE S256, state, nonce), the code exchange with client_secret_basic, and the ID token checks.
 */
export function createOidcClient(settings: OidcSettings) {
  let discovery: { at: number; doc: Promise<Discovery> } | undefined;
  let jwks: { at: number; keys: Promise<Jwk[]> } | undefined;

  const discover = (): Promise<Discovery> => {
    if (!discovery || Date.now() - discovery.at > DISCOVERY_TTL_MS) {
      const doc = fetchJson<Discovery>(`${settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {}, 'the provider discovery document').then((d) => {
        // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
        if (d.issuer !== settings.issuer) throw new GatewayError('sso_failed', 'The provider discovery document names another issuer');
        for (const f of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
          if (typeof d[f] !== 'string' || !/^https?:\/\//.test(d[f])) throw new GatewayError('sso_failed', `The provider discovery document has no ${f}`);
        }
        return d;
      });
      discovery = { at: Date.now(), doc };
      doc.catch(() => { discovery = undefined; });
    }
    return discovery.doc;
  };

  const keys = async (refresh: boolean): Promise<Jwk[]> => {
    if (!jwks || (refresh && Date.now() - jwks.at > JWKS_MIN_REFRESH_MS) || Date.now() - jwks.at > DISCOVERY_TTL_MS) {
      const uri = (await discover()).jwks_uri;
      const loaded = fetchJson<{ keys?: Jwk[] }>(uri, {}, 'the provider keys').then((j) => (Array.isArray(j.keys) ? j.keys : []));
      jwks = { at: Date.now(), keys: loaded };
      loaded.catch(() => { jwks = undefined; });
    }
    return jwks.keys;
  };

  return {
    async authorizationUrl(p: { state: string; nonce: string; verifier: string; redirectUri: string }): Promise<string> {
      const url = new URL((await discover()).authorization_endpoint);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', settings.clientId);
      url.searchParams.set('redirect_uri', p.redirectUri);
      url.searchParams.set('scope', settings.scopes);
      url.searchParams.set('state', p.state);
      url.searchParams.set('nonce', p.nonce);
      url.searchParams.set('code_challenge', pkceChallenge(p.verifier));
      url.searchParams.set('code_challenge_method', 'S256');
      return url.toString();
    },

    /** Exchanges the code and verifies the ID token; the claims of a checked sign-in. */
    async complete(code: string, p: { nonce: string; verifier: string; redirectUri: string }): Promise<IdTokenClaims> {
      const d = await discover();
      const basic = Buffer.from(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`).toString('base64');
      const tokens = await fetchJson<{ id_token?: string; access_token?: string }>(d.token_endpoint, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: p.redirectUri, code_verifier: p.verifier }).toString(),
      }, 'the provider token endpoint');
      if (typeof tokens.id_token !== 'string') throw new GatewayError('sso_failed', 'The provider answered without an ID token');
      const claims = await verifyIdToken(tokens.id_token, keys, { issuer: settings.issuer, clientId: settings.clientId, nonce: p.nonce });
      // Groups are often only in userinfo; read it when the ID token lacks them.
      if (claims[settings.groupsClaim] === undefined && d.userinfo_endpoint && typeof tokens.access_token === 'string') {
        const info = await fetchJson<Record<string, unknown>>(d.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } }, 'the provider userinfo endpoint').catch(() => undefined);
        // OpenID Connect Core §5.3.2: userinfo's sub must be the ID token's, else it is ignored.
        if (info && info.sub === claims.sub && info[settings.groupsClaim] !== undefined) claims[settings.groupsClaim] = info[settings.groupsClaim];
      }
      return claims;
    },
  };
}

export type OidcClient = ReturnType<typeof createOidcClient>;
