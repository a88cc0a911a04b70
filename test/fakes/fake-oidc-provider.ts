import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small but faithful OpenID provider on 127.0.0.1 (authorization code flow):
 * - discovery at /.well-known/openid-configuration, keys at /jwks (RS256 or ES256);
 * - /authorize checks client_id, redirect_uri, response_type=code, PKCE S256 and shows a login form
 *   (pick a user by login name); POST /authorize issues a single-use code and redirects back with state;
 * - /token checks client_secret_basic, the code (single use, bound to client, redirect_uri and the PKCE
 *   challenge) and answers an ID token with the nonce, plus an access token for /userinfo.
 * Knobs for refusal tests: `idTokenLifetimeSeconds` (negative: already expired), `nonceOverride`.
 */
export interface FakeOidcUser { login: string; sub: string; email?: string; emailVerified?: boolean; name?: string; groups?: string[] }

export interface FakeOidcOptions {
  clientId: string; clientSecret: string; users: FakeOidcUser[]; alg?: 'RS256' | 'ES256';
  /** An issuer ending in `/` (as Auth0's do): discovery stays at `<issuer without />/.well-known/…`. */
  trailingSlash?: boolean;
}

interface Grant { user: FakeOidcUser; clientId: string; redirectUri: string; challenge: string; nonce?: string }

export interface FakeOidcProvider {
  issuer: string;
  /** Codes handed out, and token requests seen (with `ok`), for assertions. */
  tokenRequests: { code: string; ok: boolean; error?: string }[];
  idTokenLifetimeSeconds: number;
  nonceOverride?: string;
  close(): Promise<void>;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startFakeOidcProvider(opts: FakeOidcOptions): Promise<FakeOidcProvider> {
  const alg = opts.alg ?? 'RS256';
  const { privateKey, publicKey } = alg === 'RS256'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomBytes(6).toString('hex');
  const jwk = { ...(publicKey as KeyObject).export({ format: 'jwk' }), kid, alg, use: 'sig' };
  const codes = new Map<string, Grant>();
  const accessTokens = new Map<string, FakeOidcUser>();
  let issuer = '';
  const origin = () => issuer.replace(/\/$/, '');

  const signJwt = (claims: Record<string, unknown>) => {
    const head = `${b64({ alg, kid, typ: 'JWT' })}.${b64(claims)}`;
    const sig = sign('sha256', Buffer.from(head), alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey);
    return `${head}.${sig.toString('base64url')}`;
  };

  const fake: FakeOidcProvider = {
    issuer: '', tokenRequests: [], idTokenLifetimeSeconds: 300,
    close: () => new Promise((r) => server.close(() => r())),
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    try {
      if (url.pathname === '/.well-known/openid-configuration') {
        return json(res, 200, {
          issuer, authorization_endpoint: `${origin()}/authorize`, token_endpoint: `${origin()}/token`, jwks_uri: `${origin()}/jwks`,
          userinfo_endpoint: `${origin()}/userinfo`, response_types_supported: ['code'], subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: [alg], code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic'],
        });
      }
      if (url.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
      if (url.pathname === '/authorize' && req.method === 'GET') {
        const q = url.searchParams;
        if (q.get('client_id') !== opts.clientId) return json(res, 400, { error: 'unauthorized_client' });
        if (q.get('response_type') !== 'code') return json(res, 400, { error: 'unsupported_response_type' });
        if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return json(res, 400, { error: 'invalid_request', error_description: 'PKCE S256 required' });
        if (!(q.get('scope') ?? '').split(' ').includes('openid')) return json(res, 400, { error: 'invalid_scope' });
        const hidden = ['redirect_uri', 'state', 'nonce', 'code_challenge'].map((k) => `<input type="hidden" name="${k}" value="${esc(q.get(k) ?? '')}">`).join('');
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><body><h1>Fake IdP sign-in</h1>
<form method="post" action="/authorize">${hidden}<label>Username <input name="login" id="login"></label><button type="submit">Continue</button></form></body></html>`);
        return;
      }
      if (url.pathname === '/authorize' && req.method === 'POST') {
        const f = await readForm(req);
        const user = opts.users.find((u) => u.login === f.get('login'));
        if (!user) return void res.writeHead(401, { 'content-type': 'text/html' }).end('<p>Unknown user</p>');
        const code = randomBytes(16).toString('base64url');
        codes.set(code, { user, clientId: opts.clientId, redirectUri: f.get('redirect_uri') ?? '', challenge: f.get('code_challenge') ?? '', nonce: f.get('nonce') ?? undefined });
        const back = new URL(f.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', f.get('state') ?? '');
        res.writeHead(302, { location: back.toString() }).end();
        return;
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const f = await readForm(req);
        const code = f.get('code') ?? '';
        const refuse = (status: number, error: string) => {
          fake.tokenRequests.push({ code, ok: false, error });
          json(res, status, { error });
        };
        const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
        const [id, secret] = basic.split(':').map(decodeURIComponent);
        if (id !== opts.clientId || secret !== opts.clientSecret) return refuse(401, 'invalid_client');
        if (f.get('grant_type') !== 'authorization_code') return refuse(400, 'unsupported_grant_type');
        const grant = codes.get(code);
        // Single use (RFC 6749 §4.1.2): a code is gone after its first exchange, successful or not.
        codes.delete(code);
        if (!grant || grant.clientId !== id || grant.redirectUri !== f.get('redirect_uri')) return refuse(400, 'invalid_grant');
        const verifier = f.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) return refuse(400, 'invalid_grant');
        const now = Math.floor(Date.now() / 1000);
        const u = grant.user;
        const idToken = signJwt({
          iss: issuer, sub: u.sub, aud: opts.clientId, iat: now, exp: now + fake.idTokenLifetimeSeconds,
          nonce: fake.nonceOverride ?? grant.nonce, email: u.email, email_verified: u.emailVerified ?? false, name: u.name,
        });
        const access = randomBytes(16).toString('base64url');
        accessTokens.set(access, u);
        fake.tokenRequests.push({ code, ok: true });
        return json(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 300, id_token: idToken });
      }
      if (url.pathname === '/userinfo') {
        const u = accessTokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
        if (!u) return json(res, 401, { error: 'invalid_token' });
        return json(res, 200, { sub: u.sub, email: u.email, email_verified: u.emailVerified ?? false, name: u.name, groups: u.groups ?? [] });
      }
      json(res, 404, { error: 'not_found' });
    } catch {
      if (!res.headersSent) json(res, 500, { error: 'server_error' });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${opts.trailingSlash ? '/' : ''}`;
  fake.issuer = issuer;
  return fake;
}
