import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../helpers/services.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/odock.ts';
import { adminFixture } from './fixtures.ts';
import { bodyFor, fill, isWrite, orgRoutes, seedRecords, snapshot } from './route-table.ts';
import { joinByInvitation } from '../helpers/invite.ts';

// Reads for admins only: who was invited, and the organisation's operator tokens.
const ADMIN_ONLY_READS = ['/invitations', '/operator-tokens', '/audit-log', '/audit-log/export'];

async function rawLogin(url: string, email: string, password: string) {
  return fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
}

// Operators: sessions, access tokens, and what each organisation role may do.
for (const dialect of DIALECTS) {
  test(`operators and roles (${dialect})`, async (t) => {
    const fx = await adminFixture(t, dialect);
    if (!fx) return;
    const { admin, odock, org } = fx;
    const url = odock.url;

    await t.test('the session cookie is httpOnly and SameSite; wrong credentials get one answer', async () => {
      const res = await rawLogin(url, ADMIN_EMAIL, ADMIN_PASSWORD);
      assert.equal(res.status, 200);
      const cookie = res.headers.get('set-cookie') ?? '';
      assert.match(cookie, /^odock_session=[^;]{20,}/);
      assert.match(cookie, /;\s*HttpOnly/i);
      assert.match(cookie, /;\s*SameSite=(Lax|Strict)/i);
      assert.match(cookie, /;\s*Path=\//i);
      const body = (await res.json()) as { operator: Record<string, unknown> };
      assert.equal(body.operator.email, ADMIN_EMAIL);
      assert.equal(JSON.stringify(body).includes('password'), false);
      const wrong = await rawLogin(url, ADMIN_EMAIL, 'wrong-password');
      const unknown = await rawLogin(url, 'nobody@example.test', 'wrong-password');
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.deepEqual(await wrong.json(), await unknown.json(), 'no hint whether the email exists');
      assert.equal(res.headers.get('set-cookie')?.includes(ADMIN_PASSWORD), false);
    });

    await t.test('without a session the admin API is 401', async () => {
      const anon = new AdminClient(url);
      for (const p of ['/api/auth/me', '/api/organisations', `${org.base}/api-keys`, '/api/catalog/models']) {
        const r = await anon.get(p);
        assert.equal(r.status, 401, p);
        assert.equal(r.body.error.code, 'unauthorized');
      }
      assert.equal((await anon.post(`${org.base}/api-keys`, { type: 'ORGANISATION' })).status, 401);
    });

    await t.test('logout invalidates the session on the server, not just in the browser', async () => {
      const res = await rawLogin(url, ADMIN_EMAIL, ADMIN_PASSWORD);
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
      const me = () => fetch(`${url}/api/auth/me`, { headers: { cookie } });
      assert.equal((await me()).status, 200);
      // A browser sends its Origin with the POST (a cookie-authenticated mutation needs it, or JSON).
      const out = await fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie, origin: url } });
      assert.equal(out.status, 200);
      assert.match(out.headers.get('set-cookie') ?? '', /odock_session=;/, 'the browser is told to drop it');
      assert.equal((await me()).status, 401, 'the old cookie no longer works');
      assert.equal((await admin.get('/api/auth/me')).status, 200, 'other sessions are untouched');
    });

    await t.test('operator access tokens: shown once, work as Bearer on /api, revocable', async () => {
      const created = await admin.post('/api/auth/tokens', { name: 'ci' });
      assert.equal(created.status, 201);
      const token: string = created.body.token;
      assert.match(token, /^odt_/);
      assert.equal(created.body.preview, token.slice(-4));
      const list = await admin.ok('GET', '/api/auth/tokens');
      assert.deepEqual(list.items.map((x: { name: string }) => x.name), ['ci']);
      assert.ok(!JSON.stringify(list).includes(token), 'the token is shown only at creation');

      const script = new AdminClient(url, token);
      assert.equal((await script.ok('GET', '/api/auth/me')).operator.email, ADMIN_EMAIL);
      const k = await script.post(`${org.base}/api-keys`, { type: 'ORGANISATION', name: 'from-ci' });
      assert.equal(k.status, 201, 'scripts can act, not only read');
      assert.equal((await new AdminClient(url, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`).get('/api/auth/me')).status, 401);
      // A virtual key is not an operator credential.
      const vk = (await admin.ok('POST', `${org.base}/api-keys/${k.body.id}/reveal`)).key;
      assert.equal((await new AdminClient(url, vk).get('/api/auth/me')).status, 401);

      assert.equal((await admin.del(`/api/auth/tokens/${created.body.id}`)).status, 204);
      assert.equal((await script.get('/api/auth/me')).status, 401);
    });

    await t.test('a member can read everything of the organisation but change nothing (403)', async () => {
      const ids = await seedRecords(admin, org, 'roles');
      const member = await joinByInvitation(admin, org.orgId, { email: 'member@example.test', name: 'Member', role: 'member', password: 'member-password' });
      const routes = await orgRoutes(admin);
      const before = await snapshot(admin, routes, ids);
      const wrong: string[] = [];
      for (const r of routes) {
        if (r.template.includes('policy-explain')) continue;
        const res = await member.call(r.method, fill(r.template, ids), bodyFor(r, ids));
        const want = isWrite(r) || ADMIN_ONLY_READS.some((p) => r.template.endsWith(p)) ? 403 : 200;
        if (res.status !== want) wrong.push(`${r.method} ${r.template} → ${res.status}, wanted ${want}`);
        else if (want === 403) assert.equal(res.body.error.code, 'forbidden');
      }
      assert.deepEqual(wrong, []);
      assert.equal(await snapshot(admin, routes, ids), before);
    });

    await t.test('a manager manages keys and models but not users, and cannot promote themself', async () => {
      const manager = await joinByInvitation(admin, org.orgId, { email: 'manager@example.test', name: 'Manager', role: 'manager', password: 'manager-password' });
      const u = (await admin.ok('GET', `${org.base}/users?limit=500`)).items.find((x: { email: string }) => x.email === 'manager@example.test');
      const k = await manager.post(`${org.base}/api-keys`, { type: 'ORGANISATION', name: 'managed' });
      assert.equal(k.status, 201);
      assert.equal((await manager.post(`${org.base}/api-keys/${k.body.id}/model-access`, { modelIds: [org.models['gpt-4.1']] })).status, 201);
      assert.equal((await manager.patch(`${org.base}/users/${u.id}`, { role: 'admin' })).status, 403);
      assert.equal((await manager.post(`${org.base}/users`, { email: 'x@example.test', name: 'X', role: 'admin' })).status, 403);
      assert.equal((await manager.post(`${org.base}/invitations`, { email: 'x@example.test', role: 'admin' })).status, 403);
      assert.equal((await admin.ok('GET', `${org.base}/users/${u.id}`)).role, 'manager');
    });
  });
}
