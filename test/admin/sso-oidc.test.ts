import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { joinByInvitation } from '../helpers/invite.ts';
import { startFakeOidcProvider, type FakeOidcProvider } from '../fakes/fake-oidc-provider.ts';
import { hop, passwordSession, signInAtProvider, whoAmI } from '../helpers/sso-flow.ts';
import { needPostgres, type DialectName } from '../helpers/services.ts';

const CLIENT = { clientId: 'odock-test', clientSecret: 'oidc-client-secret-1' };

const pgSkip = (await needPostgres()) ?? false;

// Company sign-in with OpenID Connect (issue 16): code flow with PKCE, state, nonce, ID token checks, JIT membership.
for (const dialect of ['sqlite', 'postgres'] as DialectName[]) describe(`OpenID Connect sign-in (${dialect})`, { skip: dialect === 'postgres' ? pgSkip : false }, () => {
  let op: FakeOidcProvider;
  let o: TestOdock;
  let admin: AdminClient;
  let orgId: string;
  before(async () => {
    op = await startFakeOidcProvider({
      ...CLIENT,
      users: [
        { login: 'ada', sub: 'sub-ada', email: 'ada@corp.example', emailVerified: true, name: 'Ada', groups: ['odock-admins', 'eng'] },
        { login: 'bob', sub: 'sub-bob', email: 'bob@corp.example', emailVerified: true, name: 'Bob' },
        { login: 'root-clone', sub: 'sub-root', email: 'admin@example.test', emailVerified: true },
        { login: 'elsewhere', sub: 'sub-else', email: 'else@b.example', emailVerified: true },
        { login: 'unverified', sub: 'sub-unv', email: 'pat@corp.example', emailVerified: false },
      ],
    });
    o = await startOdock({
      dialect,
      env: {
        OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: CLIENT.clientId, OIDC_CLIENT_SECRET: CLIENT.clientSecret, OIDC_DISPLAY_NAME: 'Corp SSO',
        SSO_ORGANISATION: 'Default', SSO_DEFAULT_ROLE: 'member',
        OIDC_GROUP_MAPPING: JSON.stringify({ 'odock-admins': { role: 'admin' }, eng: { teams: ['Platform'] } }),
      },
    });
    admin = await AdminClient.login(o.url);
    orgId = await admin.defaultOrgId();
    await admin.ok('POST', `/api/organisations/${orgId}/teams`, { name: 'Platform' });
  });
  after(async () => {
    await o?.close();
    await op?.close();
  });

  it('the console learns which sign-in methods are on, without logging in', async () => {
    const r = await hop(`${o.url}/api/auth/providers`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { passwordLogin: true, providers: [{ id: 'oidc', name: 'Corp SSO', loginUrl: '/api/auth/oidc/login' }] });
  });

  it('login redirects to the provider with code flow, PKCE S256, state and nonce; the callback opens a session and joins the organisation', async () => {
    const start = await hop(`${o.url}/api/auth/oidc/login`);
    const q = new URL(start.location).searchParams;
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok((q.get('state') ?? '').length >= 32 && (q.get('nonce') ?? '').length >= 32);
    assert.equal(q.get('redirect_uri'), `${o.url}/api/auth/oidc/callback`);

    const { callback, stateCookie } = await signInAtProvider(o.url, 'ada');
    const done = await hop(callback, { cookie: stateCookie });
    assert.equal(done.status, 302, done.body);
    assert.equal(done.location, '/');
    assert.ok(done.cookies.odock_session, 'a session cookie');
    const me = await whoAmI(o.url, done.cookies.odock_session);
    assert.equal(me.body.operator.email, 'ada@corp.example');
    // Group mapping: odock-admins → admin; eng → team Platform.
    assert.deepEqual(me.body.organisations.map((x: { id: string; role: string }) => [x.id, x.role]), [[orgId, 'admin']]);
    const users = await admin.ok('GET', `/api/organisations/${orgId}/users?limit=500`);
    const ada = users.items.find((u: { email: string }) => u.email === 'ada@corp.example');
    assert.equal(ada.role, 'admin');
    const teams = await admin.ok('GET', `/api/organisations/${orgId}/teams`);
    const platform = teams.items.find((t: { name: string }) => t.name === 'Platform');
    const members = await admin.ok('GET', `/api/organisations/${orgId}/teams/${platform.id}/members`);
    assert.deepEqual(members.items.map((u: { email: string }) => u.email), ['ada@corp.example']);

    // The same callback again: the flow is spent.
    const replay = await hop(callback, { cookie: stateCookie });
    assert.equal(replay.status, 401);
    assert.equal(replay.json.error.code, 'sso_failed');
    assert.equal(replay.cookies.odock_session, undefined);

    // Signing in again opens the same login (linked by issuer + subject), still one member record.
    const again = await signInAtProvider(o.url, 'ada');
    const second = await hop(again.callback, { cookie: again.stateCookie });
    assert.equal((await whoAmI(o.url, second.cookies.odock_session)).body.operator.id, me.body.operator.id);
    const after = await admin.ok('GET', `/api/organisations/${orgId}/users?limit=500`);
    assert.equal(after.items.filter((u: { email: string }) => u.email === 'ada@corp.example').length, 1);
    // Each company sign-in is in the deployment-wide audit log, with the operator it opened.
    const log = await admin.ok('GET', `/api/audit-log?scope=deployment&action=auth.oidc_login&limit=500`);
    const mine = log.items.filter((e: { targetId: string }) => e.targetId === me.body.operator.id);
    assert.equal(mine.length, 2);
    assert.equal(mine[0].actor.operator?.email ?? mine[0].actor.label, 'ada@corp.example');
  });

  it('a person without mapped groups joins with the default role', async () => {
    const { callback, stateCookie } = await signInAtProvider(o.url, 'bob');
    const done = await hop(callback, { cookie: stateCookie });
    const me = await whoAmI(o.url, done.cookies.odock_session);
    assert.equal(me.body.organisations[0].role, 'member');
  });

  it('a wrong state is refused, with no session', async () => {
    const { callback, stateCookie } = await signInAtProvider(o.url, 'bob');
    const tampered = new URL(callback);
    tampered.searchParams.set('state', 'x'.repeat(43));
    const r = await hop(tampered.toString(), { cookie: stateCookie });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'sso_failed');
    assert.match(r.json.error.message, /state/);
    assert.equal(r.cookies.odock_session, undefined);
    // Nor is a callback without the browser's state cookie (another browser finishing this sign-in).
    const foreign = await hop(callback);
    assert.equal(foreign.status, 401);
    assert.equal(foreign.cookies.odock_session, undefined);
  });

  it('a replayed code is refused by the provider and Odock opens no session', async () => {
    const first = await signInAtProvider(o.url, 'bob');
    assert.equal((await hop(first.callback, { cookie: first.stateCookie })).status, 302);
    const code = new URL(first.callback).searchParams.get('code')!;
    // A fresh sign-in of this browser, finished with the spent code.
    const fresh = await signInAtProvider(o.url, 'bob');
    const replay = new URL(fresh.callback);
    replay.searchParams.set('code', code);
    const r = await hop(replay.toString(), { cookie: fresh.stateCookie });
    assert.equal(r.status, 401);
    assert.match(r.json.error.message, /invalid_grant/);
    assert.equal(r.cookies.odock_session, undefined);
    assert.deepEqual(op.tokenRequests.filter((t) => t.code === code).map((t) => t.ok), [true, false]);
  });

  it('an expired ID token and a nonce of another sign-in are refused; a browser gets a page saying why', async () => {
    op.idTokenLifetimeSeconds = -3600;
    try {
      const s = await signInAtProvider(o.url, 'bob');
      const r = await hop(s.callback, { cookie: s.stateCookie });
      assert.equal(r.status, 401);
      assert.match(r.json.error.message, /expired/);
      assert.equal(r.cookies.odock_session, undefined);
    } finally {
      op.idTokenLifetimeSeconds = 300;
    }
    op.nonceOverride = 'a-nonce-of-another-sign-in';
    try {
      const s = await signInAtProvider(o.url, 'bob');
      const page = await hop(s.callback, { cookie: s.stateCookie, accept: 'text/html' });
      assert.equal(page.status, 401);
      assert.match(page.body, /Sign-in refused/);
      assert.match(page.body, /nonce does not match/);
      assert.equal(page.cookies.odock_session, undefined);
    } finally {
      op.nonceOverride = undefined;
    }
  });

  it('never links by email to a super-admin, a login of another organisation, or on an unverified email', async () => {
    const orgB = (await admin.ok('POST', '/api/organisations', { name: 'Org B' })).id;
    await joinByInvitation(admin, orgB, { email: 'else@b.example', role: 'member', password: 'else-password-1' });
    await joinByInvitation(admin, orgId, { email: 'pat@corp.example', role: 'member', password: 'pat-password-1' });
    for (const login of ['root-clone', 'elsewhere', 'unverified']) {
      const s = await signInAtProvider(o.url, login);
      const r = await hop(s.callback, { cookie: s.stateCookie });
      assert.equal(r.status, 409, `${login}: ${r.body}`);
      assert.equal(r.json.error.code, 'sso_account_conflict');
      assert.equal(r.cookies.odock_session, undefined);
    }
    // The password logins still work and gained no identity.
    await AdminClient.login(o.url, 'else@b.example', 'else-password-1');
    const me = await (await AdminClient.login(o.url, 'else@b.example', 'else-password-1')).ok('GET', '/api/auth/me');
    assert.deepEqual(me.organisations.map((x: { id: string }) => x.id), [orgB]);
  });

  it('a logged-in operator links an identity explicitly (?link=1); it then opens that login, and only that one', async () => {
    // Linking needs a session: anonymous ?link=1 is refused before going to the provider.
    assert.equal((await hop(`${o.url}/api/auth/oidc/login?link=1`)).status, 401);
    const session = await passwordSession(o.url, 'admin@example.test', 'correct-horse-battery');
    const adminId = (await whoAmI(o.url, session)).body.operator.id;
    const link = await signInAtProvider(o.url, 'root-clone', 'oidc', { link: true, cookie: { odock_session: session } });
    // Finished in a browser without that session (or another login's): refused.
    const foreign = await hop(link.callback, { cookie: link.stateCookie });
    assert.equal(foreign.status, 401);
    const again = await signInAtProvider(o.url, 'root-clone', 'oidc', { link: true, cookie: { odock_session: session } });
    const linked = await hop(again.callback, { cookie: { ...again.stateCookie, odock_session: session } });
    assert.equal(linked.status, 302, linked.body);
    // Now the identity signs the super-admin in.
    const s = await signInAtProvider(o.url, 'root-clone');
    const done = await hop(s.callback, { cookie: s.stateCookie });
    assert.equal((await whoAmI(o.url, done.cookies.odock_session)).body.operator.id, adminId);
    // Ada's identity cannot be moved to another login by linking.
    const steal = await signInAtProvider(o.url, 'ada', 'oidc', { link: true, cookie: { odock_session: session } });
    const r = await hop(steal.callback, { cookie: { ...steal.stateCookie, odock_session: session } });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'sso_account_conflict');
  });
});

describe('password login turned off', () => {
  let op: FakeOidcProvider;
  let o: TestOdock;
  before(async () => {
    op = await startFakeOidcProvider({ ...CLIENT, users: [] });
    o = await startOdock({ env: { OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: CLIENT.clientId, OIDC_CLIENT_SECRET: CLIENT.clientSecret, ODOCK_PASSWORD_LOGIN: 'false' } });
  });
  after(async () => {
    await o?.close();
    await op?.close();
  });

  it('POST /api/auth/login answers 403 password_login_disabled even with the right password; providers say so', async () => {
    const r = await new AdminClient(o.url).post('/api/auth/login', { email: 'admin@example.test', password: 'correct-horse-battery' });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'password_login_disabled');
    assert.equal(r.headers.get('set-cookie'), null);
    assert.equal((await hop(`${o.url}/api/auth/providers`)).json.passwordLogin, false);
    // Nor through the forced-change door, which opens a session with a password when not logged in.
    const change = await new AdminClient(o.url).post('/api/auth/password', { email: 'admin@example.test', currentPassword: 'correct-horse-battery', newPassword: 'another-password-1' });
    assert.equal(change.status, 403);
    assert.equal(change.body.error.code, 'password_login_disabled');
  });
});

describe('an issuer ending in a slash (as Auth0 spells them)', () => {
  it('is discovered and its ID tokens accepted', async (t) => {
    const op = await startFakeOidcProvider({ ...CLIENT, alg: 'ES256', trailingSlash: true, users: [{ login: 'zoe', sub: 'sub-zoe', email: 'zoe@corp.example', emailVerified: true }] });
    t.after(() => op.close());
    assert.ok(op.issuer.endsWith('/'));
    const o = await startOdock({ env: { OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: CLIENT.clientId, OIDC_CLIENT_SECRET: CLIENT.clientSecret, SSO_ORGANISATION: 'Default' } });
    t.after(() => o.close());
    const s = await signInAtProvider(o.url, 'zoe');
    const done = await hop(s.callback, { cookie: s.stateCookie });
    assert.equal(done.status, 302, done.body);
    assert.equal((await whoAmI(o.url, done.cookies.odock_session)).body.operator.email, 'zoe@corp.example');
  });
});
