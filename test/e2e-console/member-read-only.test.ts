// A member of an organisation sees every page but cannot change anything: mutating buttons are
// disabled or absent, the pages say why, and the server refuses the writes anyway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminClient } from '../helpers/admin-client.ts';
import { startOdock } from '../helpers/odock.ts';
import { ensureConsoleBuilt, field, goTo, launchBrowser, login, needChromium, newContext, stepper, shot, watchErrors } from './browser.ts';

const MEMBER = { email: 'viewer@example.test', password: 'member-password-1', name: 'Vera Viewer' };

test('console: a member sees everything read-only', async (t) => {
  if (!needChromium(t)) return;
  await ensureConsoleBuilt();
  const odock = await startOdock({ serveConsole: true });
  t.after(() => odock.close());

  // An admin prepares the organisation through the API.
  const admin = await AdminClient.login(odock.url);
  const orgId = await admin.defaultOrgId();
  const org = `/api/organisations/${orgId}`;
  const provider = await admin.ok('POST', `${org}/providers`, { type: 'OPENAI' });
  const pkey = await admin.ok('POST', `${org}/providers/${provider.id}/keys`, { name: 'Primary', key: 'sk-member-test-0000' });
  await admin.ok('POST', `${org}/models/batch`, { providerId: provider.id, providerApiKeyId: pkey.id, slugs: ['gpt-4.1-mini'] });
  const key = await admin.ok('POST', `${org}/api-keys`, { type: 'ORGANISATION', name: 'Shared service' });
  // The member joins by invitation: the admin passes the link on, the member chooses a password.
  const invitation = await admin.ok('POST', `${org}/invitations`, { email: MEMBER.email, role: 'member' });

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await (await newContext(browser, odock.url)).newPage();
  const errors = watchErrors(page);
  const step = stepper(t, page);

  await step('the invitation link: the member chooses their own password and lands in the organisation', async () => {
    await page.goto(invitation.url);
    await page.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    await field(page, 'Your name').fill(MEMBER.name);
    await field(page, 'Password').fill('short');
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.getByText('at least 8 characters', { exact: false }).first().waitFor();
    await field(page, 'Password').fill(MEMBER.password);
    await shot(page, 'member-00-accept-invitation');
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.waitForURL(/\/orgs\/[^/]+\/providers/);
    // And a fresh sign-in works with the password they chose.
    await page.request.post('/api/auth/logout', { data: {} });
    await login(page, MEMBER.email, MEMBER.password);
  });

  await step('providers: no activation, no key creation, no deactivation', async () => {
    await page.getByText('Read-only access').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Activate Anthropic' }).isDisabled(), true);
    await shot(page, 'member-01-providers');
    await page.getByRole('link', { name: 'Configure OpenAI' }).click();
    const addKey = page.getByRole('region', { name: 'Add Provider Key' });
    assert.equal(await addKey.getByRole('button', { name: 'Create key' }).isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Deactivate' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Save changes' }).count(), 0);
    assert.equal(await page.getByRole('table', { name: 'Provider keys' }).getByRole('button', { name: 'Revoke' }).count(), 0);
    await shot(page, 'member-02-provider-detail');
  });

  await step('models and API keys: creation disabled, key actions absent, reveal disabled', async () => {
    await goTo(page, 'Models');
    await page.getByRole('link', { name: 'gpt-4.1-mini' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add From Catalog' }).isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Add Model' }).isDisabled(), true);

    await goTo(page, 'API Keys');
    assert.equal(await page.getByRole('button', { name: 'Add New API Key' }).isDisabled(), true);
    await page.getByRole('link', { name: 'Shared service' }).click();
    await page.getByRole('heading', { name: 'Shared service' }).waitFor();
    for (const name of ['Rotate', 'Revoke', 'Unrevoke', 'More actions']) {
      assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `${name} is not offered`);
    }
    const reveal = page.getByRole('region', { name: 'Reveal API Key' });
    assert.equal(await reveal.getByRole('button', { name: 'Reveal API key' }).isDisabled(), true);
    await shot(page, 'member-03-api-key');
    await page.getByRole('tab', { name: 'Model Access' }).click();
    await page.getByText('No model access yet').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Batch Add' }).count(), 0);
  });

  await step('teams and users: creation disabled', async () => {
    await goTo(page, 'Teams');
    assert.equal(await page.getByRole('button', { name: 'Create Team' }).isDisabled(), true);
    await goTo(page, 'Users');
    await page.getByText(MEMBER.email).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add User' }).isDisabled(), true);
    await shot(page, 'member-04-users');
  });

  await step('the server refuses a member\'s writes too', async () => {
    const r = await page.request.post(`${org}/api-keys/${key.id}/revoke`, { data: {} });
    assert.equal(r.status(), 403);
    assert.equal((await r.json()).error.code, 'forbidden');
  });

  await step('log out: back to the login page, and the session is gone', async () => {
    const here = page.url();
    await page.getByRole('button', { name: 'Operator menu' }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(here);
    await page.waitForURL(/\/login\?next=/);
    assert.equal((await page.request.get('/api/auth/me')).status(), 401);
  });

  await step('after a super-admin reset, sign-in asks for a new password before opening the console', async () => {
    const member = (await admin.ok('GET', `${org}/users`)).items.find((u: { email: string }) => u.email === MEMBER.email);
    await admin.ok('PATCH', `${org}/users/${member.id}`, { password: 'temporary-pass-9' });
    await page.goto('/login');
    await field(page, 'Email').fill(MEMBER.email);
    await field(page, 'Password').fill('temporary-pass-9');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await field(page, 'New password').fill('my-own-password-2');
    await field(page, 'Confirm new password').fill('my-own-password-2');
    await shot(page, 'member-05-new-password');
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    await page.waitForURL(/\/orgs\/[^/]+\/providers/);
    await AdminClient.login(odock.url, MEMBER.email, 'my-own-password-2');
  });

  assert.deepEqual(errors, [], 'no uncaught errors in the page');
});
