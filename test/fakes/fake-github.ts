import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * GitHub's OAuth web flow and the few REST calls Odock makes, on 127.0.0.1: `oauthUrl` serves
 * /login/oauth/authorize (signs in as `fake.signedInAs` at once and redirects back with code and state)
 * and /login/oauth/access_token (codes are single use: GitHub answers 200 {"error":"bad_verification_code"});
 * `apiUrl` serves /user, /user/emails and /user/memberships/orgs/{org}.
 */
export interface FakeGithubUser { id: number; login: string; name?: string; email?: string; emailVerified?: boolean; orgs?: string[] }

export async function startFakeGithub(opts: { clientId: string; clientSecret: string; users: FakeGithubUser[] }) {
  const codes = new Map<string, { user: FakeGithubUser; redirectUri: string }>();
  const tokens = new Map<string, FakeGithubUser>();
  const fake = { oauthUrl: '', apiUrl: '', signedInAs: opts.users[0]?.login ?? '', close: () => new Promise<void>((r) => server.close(() => r())) };
  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', fake.oauthUrl);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    if (url.pathname === '/login/oauth/authorize') {
      if (url.searchParams.get('client_id') !== opts.clientId) return json(res, 404, { error: 'not_found' });
      const user = opts.users.find((u) => u.login === fake.signedInAs)!;
      const code = randomBytes(10).toString('hex');
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      codes.set(code, { user, redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      return void res.writeHead(302, { location: back.toString() }).end();
    }
    if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      if (form.get('client_id') !== opts.clientId || form.get('client_secret') !== opts.clientSecret) return json(res, 200, { error: 'incorrect_client_credentials' });
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!grant || grant.redirectUri !== form.get('redirect_uri')) return json(res, 200, { error: 'bad_verification_code' });
      const token = `gho_${randomBytes(12).toString('hex')}`;
      tokens.set(token, grant.user);
      return json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    const user = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!user) return json(res, 401, { message: 'Bad credentials' });
    if (url.pathname === '/api/user') return json(res, 200, { id: user.id, login: user.login, name: user.name ?? null });
    if (url.pathname === '/api/user/emails') return json(res, 200, user.email ? [{ email: user.email, primary: true, verified: user.emailVerified ?? true }] : []);
    const m = /^\/api\/user\/memberships\/orgs\/([^/]+)$/.exec(url.pathname);
    if (m) return (user.orgs ?? []).includes(decodeURIComponent(m[1]!)) ? json(res, 200, { state: 'active', role: 'member' }) : json(res, 404, { message: 'Not Found' });
    json(res, 404, { message: 'Not Found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.oauthUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.apiUrl = `${fake.oauthUrl}/api`;
  return fake;
}
