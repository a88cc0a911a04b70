import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { startFakeGithub } from '../fakes/fake-github.ts';
import { hop, whoAmI } from '../helpers/sso-flow.ts';

const CLIENT = { clientId: 'gh-client-1', clientSecret: 'gh-secret-1' };

// GitHub sign-in (issue 16): OAuth web flow with state, optional allowed organisation, JIT membership.
describe('GitHub sign-in', () => {
  let gh: Awaited<ReturnType<typeof startFakeGithub>>;
  let o: TestOdock;
  before(async () => {
    gh = await startFakeGithub({
      ...CLIENT,
      users: [
        { id: 101, login: 'octo', name: 'Octo Cat', email: 'octo@corp.example', orgs: ['corp'] },
        { id: 102, login: 'outsider', email: 'out@else.example', orgs: ['other'] },
      ],
    });
    o = await startOdock({
      env: {
        GITHUB_CLIENT_ID: CLIENT.clientId, GITHUB_CLIENT_SECRET: CLIENT.clientSecret, GITHUB_ALLOWED_ORG: 'corp',
        GITHUB_OAUTH_URL: gh.oauthUrl, GITHUB_API_URL: gh.apiUrl, SSO_ORGANISATION: 'Default', SSO_DEFAULT_ROLE: 'manager',
      },
    });
  });
  after(async () => {
    await o?.close();
    await gh?.close();
  });

  const signIn = async (login: string) => {
    gh.signedInAs = login;
    const start = await hop(`${o.url}/api/auth/github/login`);
    assert.equal(start.status, 302);
    const authorize = new URL(start.location);
    assert.equal(authorize.origin + authorize.pathname, `${gh.oauthUrl}/login/oauth/authorize`);
    assert.ok(authorize.searchParams.get('scope')!.includes('read:org'));
    const back = await hop(authorize.toString());
    return { callback: back.location, cookie: start.cookies };
  };

  it('is listed for the console, and a member of the allowed organisation signs in and joins with the default role', async () => {
    assert.deepEqual((await hop(`${o.url}/api/auth/providers`)).json.providers, [{ id: 'github', name: 'GitHub', loginUrl: '/api/auth/github/login' }]);
    const { callback, cookie } = await signIn('octo');
    const done = await hop(callback, { cookie });
    assert.equal(done.status, 302, done.body);
    const me = await whoAmI(o.url, done.cookies.odock_session);
    assert.equal(me.body.operator.email, 'octo@corp.example');
    assert.equal(me.body.operator.name, 'Octo Cat');
    assert.equal(me.body.organisations[0].role, 'manager');
    // The code is spent: replaying the callback opens nothing.
    const replay = await hop(callback, { cookie });
    assert.equal(replay.status, 401);
    assert.equal(replay.cookies.odock_session, undefined);
  });

  it('someone outside the allowed GitHub organisation is refused', async () => {
    const { callback, cookie } = await signIn('outsider');
    const r = await hop(callback, { cookie });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'sso_failed');
    assert.match(r.json.error.message, /corp/);
    assert.equal(r.cookies.odock_session, undefined);
  });

  it('a wrong state is refused', async () => {
    const { callback, cookie } = await signIn('octo');
    const bad = new URL(callback);
    bad.searchParams.set('state', 'forged');
    const r = await hop(bad.toString(), { cookie });
    assert.equal(r.status, 401);
    assert.equal(r.cookies.odock_session, undefined);
  });

  it('OpenID Connect, not configured here, answers 404', async () => {
    assert.equal((await hop(`${o.url}/api/auth/oidc/login`)).status, 404);
  });
});
