// Company sign-in in a real browser: the login page's "Sign in with …" button, a sign-in at an
// OpenID provider started by the test on loopback, and the refusals (wrong state, replayed code,
// expired ID token) ending on a page that says why, with no session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { AdminClient } from '../helpers/admin-client.ts';
import { startOdock } from '../helpers/odock.ts';
import { startFakeOidcProvider } from '../fakes/fake-oidc-provider.ts';
import { ensureConsoleBuilt, field, goTo, launchBrowser, login, needChromium, newContext, shot, stepper, watchErrors } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/odock.ts';

const CLIENT = { clientId: 'odock-e2e', clientSecret: 'e2e-client-secret' };

test('console: sign in with OpenID Connect, and the refused sign-ins', async (t) => {
  if (!needChromium(t)) return;
  await ensureConsoleBuilt();
  const op = await startFakeOidcProvider({ ...CLIENT, users: [
    { login: 'grace', sub: 'sub-grace', email: 'grace@corp.example', emailVerified: true, name: 'Grace Hopper', groups: ['odock-admins'] },
    { login: 'boss', sub: 'sub-boss', email: ADMIN_EMAIL, emailVerified: true },
  ] });
  t.after(() => op.close());
  const odock = await startOdock({
    serveConsole: true,
    env: {
      OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: CLIENT.clientId, OIDC_CLIENT_SECRET: CLIENT.clientSecret, OIDC_DISPLAY_NAME: 'Corp SSO',
      SSO_ORGANISATION: 'Default', OIDC_GROUP_MAPPING: JSON.stringify({ 'odock-admins': { role: 'admin' } }),
    },
  });
  t.after(() => odock.close());

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const ctx = await newContext(browser, odock.url);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  const step = stepper(t, page);
  const callbacks: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/auth/oidc/callback')) callbacks.push(r.url());
  });
  const signedIn = async () => (await page.request.get('/api/auth/me')).status() === 200;
  /** From the login page's button to the provider's form, signed in there as grace (after `tamper`, if any). */
  const viaProvider = async (p: Page, tamper?: () => Promise<void>, who = 'grace') => {
    await p.goto('/login');
    await p.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
    await p.getByRole('heading', { name: 'Fake IdP sign-in' }).waitFor();
    await p.getByLabel('Username').fill(who);
    if (tamper) await tamper();
    await p.getByRole('button', { name: 'Continue' }).click();
  };
  const refusedWith = async (text: RegExp) => {
    await page.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
    assert.match(await page.locator('#sso-error-message').innerText(), text);
    assert.equal(await signedIn(), false, 'no session was opened');
  };

  await step('the login page offers the company sign-in beside the password form', async () => {
    await page.goto('/login');
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).waitFor();
    await field(page, 'Password').waitFor();
    await shot(page, 'sso-00-login-page');
  });

  await step('signing in at the provider opens the console as a new admin of the organisation', async () => {
    await viaProvider(page);
    await page.waitForURL(/\/orgs\/[^/]+\/providers/);
    const me = await (await page.request.get('/api/auth/me')).json();
    assert.equal(me.operator.email, 'grace@corp.example');
    assert.equal(me.organisations[0].role, 'admin');
    await page.getByText('Grace Hopper').first().waitFor();
    await shot(page, 'sso-01-signed-in');
  });

  await step('the callback replayed after logging out is refused', async () => {
    const used = callbacks.at(-1)!;
    await page.request.post('/api/auth/logout', { data: {} });
    await page.goto(used);
    await refusedWith(/state does not match|expired or was already used/);
  });

  await step('a fresh sign-in finished with the spent code is refused by the provider', async () => {
    const spent = new URL(callbacks[0]!).searchParams.get('code')!;
    await page.goto('/login');
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
    await page.getByRole('heading', { name: 'Fake IdP sign-in' }).waitFor();
    const state = new URL(page.url()).searchParams.get('state')!;
    await page.goto(`/api/auth/oidc/callback?code=${encodeURIComponent(spent)}&state=${encodeURIComponent(state)}`);
    await refusedWith(/invalid_grant/);
    await shot(page, 'sso-02-replayed-code');
  });

  await step('a wrong state is refused', async () => {
    await viaProvider(page, () => page.locator('input[name="state"]').evaluate((el) => { (el as HTMLInputElement).value = 'forged-state-value'; }));
    await refusedWith(/state does not match/);
  });

  await step('an expired ID token is refused, and the page leads back to the login page', async () => {
    op.idTokenLifetimeSeconds = -3600;
    try {
      await viaProvider(page);
      await refusedWith(/expired/);
      await shot(page, 'sso-03-expired-id-token');
    } finally {
      op.idTokenLifetimeSeconds = 300;
    }
    await page.getByRole('link', { name: 'Back to the login page' }).click();
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).waitFor();
  });

  await step('the super-admin links their provider account in Settings, then signs in with it', async () => {
    await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await goTo(page, 'Settings');
    const card = page.getByLabel('Company sign-in');
    await card.getByText('No account linked yet.').waitFor();
    await card.getByRole('link', { name: 'Link Corp SSO' }).click();
    await page.getByRole('heading', { name: 'Fake IdP sign-in' }).waitFor();
    await page.getByLabel('Username').fill('boss');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/orgs\/[^/]+\/providers/);
    await goTo(page, 'Settings');
    await card.getByRole('cell', { name: ADMIN_EMAIL }).waitFor();
    await shot(page, 'sso-04-linked-in-settings');
    await page.request.post('/api/auth/logout', { data: {} });
    await viaProvider(page, undefined, 'boss');
    await page.waitForURL(/\/orgs\/[^/]+\/providers/);
    const me = await (await page.request.get('/api/auth/me')).json();
    assert.equal(me.operator.email, ADMIN_EMAIL);
    assert.equal(me.operator.superAdmin, true);
  });

  await step('no page error on the way', async () => {
    assert.deepEqual(errors, []);
  });
});

test('console: with password login off, the login page shows only company sign-in', async (t) => {
  if (!needChromium(t)) return;
  await ensureConsoleBuilt();
  const op = await startFakeOidcProvider({ ...CLIENT, users: [] });
  t.after(() => op.close());
  const odock = await startOdock({ serveConsole: true, env: { OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: CLIENT.clientId, OIDC_CLIENT_SECRET: CLIENT.clientSecret, ODOCK_PASSWORD_LOGIN: 'false' } });
  t.after(() => odock.close());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await (await newContext(browser, odock.url)).newPage();
  await page.goto('/login');
  await page.getByRole('link', { name: 'Sign in with OpenID Connect' }).waitFor();
  assert.equal(await page.getByLabel(/^Password/).count(), 0, 'no password field');
  assert.equal(await page.getByRole('button', { name: 'Log in' }).count(), 0);
  const r = await new AdminClient(odock.url).post('/api/auth/login', { email: 'admin@example.test', password: 'correct-horse-battery' });
  assert.equal(r.body.error.code, 'password_login_disabled');
  await shot(page, 'sso-05-password-login-off');
});
