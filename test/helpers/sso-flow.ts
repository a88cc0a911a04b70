/**
 * Drives a company sign-in over HTTP as a browser would (cookies carried by hand, redirects read
 * one by one), against Odock and the fake OpenID provider (test/fakes/fake-oidc-provider.ts).
 */
export interface Hop { status: number; location: string; cookies: Record<string, string>; body: string; json?: any }

const cookiesOf = (res: Response): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair!.indexOf('=');
    out[pair!.slice(0, i)] = pair!.slice(i + 1);
  }
  return out;
};

export async function hop(url: string, init: { cookie?: Record<string, string>; accept?: string; form?: Record<string, string> } = {}): Promise<Hop> {
  const headers: Record<string, string> = { accept: init.accept ?? 'application/json' };
  if (init.cookie) headers.cookie = Object.entries(init.cookie).map(([k, v]) => `${k}=${v}`).join('; ');
  if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(url, { method: init.form ? 'POST' : 'GET', headers, redirect: 'manual', body: init.form ? new URLSearchParams(init.form).toString() : undefined });
  const body = await res.text();
  let json: any;
  try {
    json = JSON.parse(body);
  } catch { /* a page */ }
  return { status: res.status, location: res.headers.get('location') ?? '', cookies: cookiesOf(res), body, json };
}

/** Starts a sign-in at Odock and signs in at the provider as `login`: the callback URL and the state cookie. */
export async function signInAtProvider(odockUrl: string, login: string, provider = 'oidc', opts: { link?: boolean; cookie?: Record<string, string> } = {}): Promise<{ callback: string; stateCookie: Record<string, string> }> {
  const start = await hop(`${odockUrl}/api/auth/${provider}/login${opts.link ? '?link=1' : ''}`, { cookie: opts.cookie });
  if (start.status !== 302) throw new Error(`login did not redirect: ${start.status} ${start.body}`);
  const authorize = new URL(start.location);
  const page = await hop(authorize.toString(), { accept: 'text/html' });
  if (page.status !== 200) throw new Error(`the provider refused the authorization request: ${page.body}`);
  const q = authorize.searchParams;
  const form: Record<string, string> = { login };
  for (const k of ['redirect_uri', 'state', 'nonce', 'code_challenge']) form[k] = q.get(k) ?? '';
  const back = await hop(`${authorize.origin}/authorize`, { form });
  if (back.status !== 302) throw new Error(`the provider did not redirect back: ${back.status} ${back.body}`);
  return { callback: back.location, stateCookie: start.cookies };
}

/** The session cookie of a finished sign-in, and who /api/auth/me says it is. */
export async function whoAmI(odockUrl: string, session: string | undefined): Promise<{ status: number; body: any }> {
  const r = await hop(`${odockUrl}/api/auth/me`, { cookie: session ? { odock_session: session } : {} });
  return { status: r.status, body: r.json };
}

/** The session cookie of a password login. */
export async function passwordSession(odockUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${odockUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('odock_session='));
  if (res.status !== 200 || !cookie) throw new Error(`login failed: ${res.status}`);
  return cookie.split(';')[0]!.slice('odock_session='.length);
}
