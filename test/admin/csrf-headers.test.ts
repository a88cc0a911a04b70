import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startOdock, type TestOdock } from '../helpers/odock.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { ensureConsoleBuilt } from '../e2e-console/browser.ts';

async function sessionCookie(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }) });
  assert.equal(res.status, 200);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], setCookie: res.headers.get('set-cookie') ?? '' };
}

// Cross-site request forgery on cookie-authenticated mutations, Secure cookies, and the console's framing headers.
describe('CSRF and security headers', () => {
  let o: TestOdock;
  let admin: AdminClient;
  let base: string;
  before(async () => {
    await ensureConsoleBuilt();
    o = await startOdock({ serveConsole: true, env: { TRUSTED_PROXY_CIDRS: '127.0.0.1/32' } });
    admin = await AdminClient.login(o.url);
    base = `/api/organisations/${await admin.defaultOrgId()}`;
  });
  after(async () => o?.close());

  it('a body-less text/plain POST from a foreign same-site origin is refused (revoke, reveal, logout)', async () => {
    const { cookie } = await sessionCookie(o.url);
    const key = await admin.ok('POST', `${base}/api-keys`, { type: 'ORGANISATION', name: 'csrf-target' });
    const forged = { cookie, 'content-type': 'text/plain', origin: 'http://evil.127.0.0.1.nip.io' };
    for (const path of [`${base}/api-keys/${key.id}/revoke`, `${base}/api-keys/${key.id}/reveal`, '/api/auth/logout']) {
      const res = await fetch(o.url + path, { method: 'POST', headers: forged, body: '' });
      assert.equal(res.status, 403, path);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'forbidden');
      // Without any Origin (an old browser's form) it is refused too.
      const bare = await fetch(o.url + path, { method: 'POST', headers: { cookie, 'content-type': 'text/plain' }, body: 'x' });
      assert.equal(bare.status, 403, path);
    }
    const after = await admin.ok('GET', `${base}/api-keys/${key.id}`);
    assert.equal(after.revoked, false);
    assert.equal(after.revealed, false);
    assert.equal((await fetch(`${o.url}/api/auth/me`, { headers: { cookie } })).status, 200, 'the forged logout did nothing');
  });

  it('the console\'s own requests pass: JSON, or a same-origin Origin; Bearer tokens need neither', async () => {
    const { cookie } = await sessionCookie(o.url);
    const key = await admin.ok('POST', `${base}/api-keys`, { type: 'ORGANISATION', name: 'csrf-ok' });
    const revoke = await fetch(`${o.url}${base}/api-keys/${key.id}/revoke`, { method: 'POST', headers: { cookie, origin: o.url } });
    assert.equal(revoke.status, 200);
    const unrevoke = await fetch(`${o.url}${base}/api-keys/${key.id}/unrevoke`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(unrevoke.status, 200);
    const { token } = await admin.ok('POST', '/api/auth/tokens', { name: 'script' });
    const viaToken = await fetch(`${o.url}${base}/api-keys/${key.id}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: '' });
    assert.equal(viaToken.status, 200);
  });

  it('the session cookie is Secure when the browser came over TLS through a trusted proxy, not otherwise', async () => {
    assert.doesNotMatch((await sessionCookie(o.url)).setCookie, /;\s*Secure/i);
    assert.match((await sessionCookie(o.url, { 'x-forwarded-proto': 'https' })).setCookie, /;\s*Secure/i);
    const untrusted = await startOdock();
    try {
      assert.doesNotMatch((await sessionCookie(untrusted.url, { 'x-forwarded-proto': 'https' })).setCookie, /;\s*Secure/i, 'a client cannot claim TLS itself');
    } finally {
      await untrusted.close();
    }
  });

  it('console pages cannot be framed and are not sniffed; /api answers nosniff', async () => {
    for (const path of ['/', '/orgs/x/users', '/accept-invitation']) {
      const res = await fetch(o.url + path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
      assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    }
    const html = await (await fetch(o.url)).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, 'the built console references its script');
    const js = await fetch(o.url + asset);
    assert.equal(js.headers.get('x-frame-options'), 'DENY');
    assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
    for (const path of ['/api/auth/me', '/api/openapi.json', '/api/nope']) {
      assert.equal((await fetch(o.url + path)).headers.get('x-content-type-options'), 'nosniff', path);
    }
  });
});
