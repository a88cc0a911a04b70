// The rest of the console an admin uses: teams and users (roles, membership), a TEAM key with
// its owner picker, MCP servers (auth secret, tool rules, enable/disable, grants), model
// variants and pricing, operator access tokens, the organisation switcher, and tablet width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminClient } from '../helpers/admin-client.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startOdock } from '../helpers/odock.ts';
import { choose, dialog, ensureConsoleBuilt, field, goTo, launchBrowser, login, needChromium, newContext, openDialog, stepper, shot, watchErrors } from './browser.ts';

test('console: teams, users, team keys, MCP servers, model variants, tokens, organisations, tablet', async (t) => {
  if (!needChromium(t)) return;
  await ensureConsoleBuilt();
  const odock = await startOdock({ serveConsole: true });
  t.after(() => odock.close());
  let admin = await AdminClient.login(odock.url);
  const org = `/api/organisations/${await admin.defaultOrgId()}`;
  const provider = await admin.ok('POST', `${org}/providers`, { type: 'OPENAI' });
  const pkey = await admin.ok('POST', `${org}/providers/${provider.id}/keys`, { name: 'Primary', key: 'sk-org-admin-test-1111' });
  await admin.ok('POST', `${org}/models/batch`, { providerId: provider.id, providerApiKeyId: pkey.id, slugs: ['gpt-4.1-mini'] });

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await (await newContext(browser, odock.url)).newPage();
  const errors = watchErrors(page);
  await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);

  const step = stepper(t, page);

  await step('a provider without a default endpoint asks for its base URL on activation', async () => {
    await page.getByRole('button', { name: 'Activate Azure OpenAI' }).click();
    const dlg = await openDialog(page, 'Activate Azure OpenAI');
    await field(dlg, 'Base URL').fill('not a url');
    await dlg.getByRole('button', { name: 'Activate' }).click();
    await dlg.locator('input[aria-invalid="true"]').waitFor();
    assert.equal(await field(dlg, 'Base URL').getAttribute('aria-invalid'), 'true', 'the server\'s error sits on the Base URL field');
    await field(dlg, 'Base URL').fill('http://127.0.0.1:9/openai/v1');
    await dlg.getByRole('button', { name: 'Activate' }).click();
    await page.getByRole('heading', { name: 'Azure OpenAI', exact: true }).waitFor();
    assert.equal(await field(page.getByRole('region', { name: 'Provider settings' }), 'Base URL').inputValue(), 'http://127.0.0.1:9/openai/v1');
  });

  await step('teams: create and rename', async () => {
    await goTo(page, 'Teams');
    await page.getByRole('button', { name: 'Create Team' }).first().click();
    await field(dialog(page, 'Create Team'), 'Name').fill('Payments');
    await (await openDialog(page, 'Create Team')).getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('table', { name: 'Teams' }).getByRole('link', { name: 'Payments' }).click();
    await page.getByRole('button', { name: 'Rename' }).click();
    await field(dialog(page, 'Rename team'), 'Name').fill('Payments Platform');
    await (await openDialog(page, 'Rename team')).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Payments Platform' }).waitFor();
  });

  await step('users: add with a role, a duplicate email is refused next to the field, change the role', async () => {
    await goTo(page, 'Users');
    for (const attempt of [1, 2]) {
      await page.getByRole('button', { name: 'Add User' }).first().click();
      const dlg = await openDialog(page, 'Add User');
      await field(dlg, 'Email').fill('dana@example.test');
      await field(dlg, 'Name').fill('Dana Dev');
      await choose(page, dlg, 'Role', /^Manager/);
      await dlg.getByRole('button', { name: 'Add user' }).click();
      if (attempt === 1) await dlg.waitFor({ state: 'detached' });
      else {
        await dlg.getByText("A user with email 'dana@example.test' already exists").waitFor();
        assert.equal(await field(dlg, 'Email').getAttribute('aria-invalid'), 'true');
        await dlg.getByRole('button', { name: 'Cancel' }).click();
      }
    }
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByText('manager', { exact: true }).waitFor();
    await users.getByRole('button', { name: 'Actions for Dana Dev' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await choose(page, dialog(page, 'Edit Dana Dev'), 'Role', /^Member/);
    await (await openDialog(page, 'Edit Dana Dev')).getByRole('button', { name: 'Save changes' }).click();
    await users.getByText('member', { exact: true }).waitFor();
    await dialog(page, 'Edit Dana Dev').waitFor({ state: 'detached' });
    await shot(page, 'admin-01-users');
  });

  await step('users: invite an operator (link shown once, with Copy), see it pending, revoke it', async () => {
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const dlg = await openDialog(page, 'Invite to the console');
    await field(dlg, 'Email').fill('erin@example.test');
    await choose(page, dlg, 'Role', /^Manager/);
    await dlg.getByRole('button', { name: 'Create invitation' }).click();
    const link = await dlg.getByLabel('Invitation link').inputValue();
    assert.match(link, /\/accept-invitation#token=odi_/);
    await dlg.getByRole('button', { name: 'Copy' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    await dlg.getByRole('button', { name: 'Done' }).click();
    await dlg.waitFor({ state: 'detached' });
    const pending = page.getByRole('table', { name: 'Pending invitations' });
    await pending.getByText('erin@example.test').waitFor();
    assert.ok(!(await page.content()).includes(link.split('#token=')[1]), 'the token is not shown again');
    await shot(page, 'admin-01b-invitations');
    await pending.getByRole('button', { name: 'Revoke invitation for erin@example.test' }).click();
    await (await openDialog(page, /Revoke the invitation/)).getByRole('button', { name: 'Revoke invitation' }).click();
    await page.getByText('No pending invitations').waitFor();
    const res = await fetch(`${odock.url}/api/auth/invitations/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: link.split('#token=')[1], password: 'erin-password-1' }) });
    assert.equal(res.status, 404, 'a revoked link no longer works');
  });

  await step('team membership', async () => {
    await goTo(page, 'Teams');
    await page.getByRole('link', { name: 'Payments Platform' }).click();
    await page.getByRole('button', { name: 'Add member' }).click();
    await choose(page, dialog(page, /Add member/), 'User', 'Dana Dev (dana@example.test)');
    await (await openDialog(page, /Add member/)).getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('table', { name: 'Team members' }).getByText('dana@example.test').waitFor();
    await dialog(page, /Add member/).waitFor({ state: 'detached' });
    await shot(page, 'admin-02-team');
  });

  await step('a TEAM key: the owner picker appears and is required', async () => {
    await goTo(page, 'API Keys');
    await page.getByRole('button', { name: 'Add New API Key' }).first().click();
    const dlg = await openDialog(page, 'Add New API Key');
    await field(dlg, 'Name').fill('payments-backend');
    await choose(page, dlg, 'Type', 'Team');
    await dlg.getByRole('button', { name: 'Next' }).click();
    await dlg.getByText('Select the team that owns this key').waitFor();
    await choose(page, dlg, 'Team', 'Payments Platform');
    await dlg.getByRole('button', { name: 'Next' }).click();
    await dlg.getByRole('button', { name: 'Create API Key' }).click();
    await page.getByRole('heading', { name: 'payments-backend' }).waitFor();
    await page.getByRole('link', { name: 'Payments Platform' }).waitFor();
  });

  await step('MCP server: add with a bearer secret and tool rules, disable, edit, grant to the key', async () => {
    await goTo(page, 'MCP Servers');
    await page.getByRole('button', { name: 'Add MCP Server' }).first().click();
    const dlg = await openDialog(page, 'Add MCP Server');
    await field(dlg, 'Name').fill('Docs Search');
    assert.equal(await field(dlg, 'Slug').inputValue(), 'docs-search');
    await field(dlg, 'Endpoint URL').fill('http://127.0.0.1:9/mcp');
    await choose(page, dlg, 'Upstream authentication', 'Bearer token');
    await field(dlg, 'Bearer token').fill('mcp-upstream-token-5555');
    await field(dlg, 'Allowed tools').fill('search');
    await field(dlg, 'Allowed tools').press('Enter');
    await field(dlg, 'Blocked tools').fill('delete_all');
    await field(dlg, 'Blocked tools').press('Enter');
    await shot(page, 'admin-03-mcp-form');
    await dlg.getByRole('button', { name: 'Add MCP Server' }).click();
    await page.getByRole('heading', { name: 'Docs Search' }).waitFor();
    await page.getByText('BEARER · secret stored').waitFor();
    assert.ok(!(await page.content()).includes('mcp-upstream-token-5555'));

    await page.getByRole('switch', { name: 'Docs Search enabled' }).click({ force: true });
    await page.getByText('Disabled', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = await openDialog(page, 'Edit Docs Search');
    await field(edit, 'Blocked tools').fill('drop_db');
    await field(edit, 'Blocked tools').press('Enter');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    // The closing dialog still shows its drop_db pill while it fades out: wait until it is gone,
    // and look for the saved rule on the page itself, not in the dialog.
    await edit.waitFor({ state: 'hidden' });
    await page.getByRole('main').getByText('drop_db', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Batch Add' }).click();
    const grant = await openDialog(page, 'Grant Docs Search to API keys');
    await grant.getByRole('checkbox', { name: 'Select payments-backend', exact: true }).check();
    await grant.getByRole('button', { name: 'Grant MCP Access' }).click();
    await page.getByRole('table', { name: 'API keys with access' }).getByRole('link', { name: 'payments-backend' }).click();
    await page.getByRole('table', { name: 'Granted MCP servers' }).getByText('Docs Search').waitFor();
    await shot(page, 'admin-04-key-mcp-access');
  });

  await step('models: edit pricing, add a variant, grant it to a key from the model page', async () => {
    await goTo(page, 'Models');
    await page.getByRole('link', { name: 'gpt-4.1-mini', exact: true }).click();
    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = await openDialog(page, 'Edit gpt-4.1-mini');
    await field(edit, 'Input').fill('0.5');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('$0.50', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Add variant' }).click();
    const variant = await openDialog(page, 'Add a variant of gpt-4.1-mini');
    await field(variant, 'Name').fill('gpt-4.1-mini-clientA');
    await variant.getByRole('button', { name: 'Create model' }).click();
    await page.getByRole('heading', { name: 'gpt-4.1-mini-clientA', exact: true }).waitFor();
    await page.getByText('gpt-4.1-mini', { exact: true }).first().waitFor();

    await page.getByRole('button', { name: 'Batch Add' }).click();
    const grant = await openDialog(page, 'Grant gpt-4.1-mini-clientA to API keys');
    await grant.getByRole('checkbox', { name: 'Select payments-backend', exact: true }).check();
    await grant.getByRole('button', { name: 'Grant Model Access' }).click();
    await page.getByRole('table', { name: 'API keys with access' }).getByRole('link', { name: 'payments-backend' }).waitFor();
    await shot(page, 'admin-05-model-variant');
  });

  await step('policies: a field per limit, the server\'s refusal in words on its field, a valid policy saves, the dry run shows it', async () => {
    await goTo(page, 'API Keys');
    await page.getByRole('link', { name: 'payments-backend' }).click();
    const card = page.getByRole('region', { name: 'Policies' });
    await field(card, 'IP allowlist').fill('not-an-ip');
    await field(card, 'IP allowlist').press('Enter');
    await card.getByRole('button', { name: 'Save policies' }).click();
    await card.getByText('Enter IP addresses or CIDR ranges, such as 10.0.0.0/8').waitFor();
    assert.equal(await field(card, 'IP allowlist').getAttribute('aria-invalid'), 'true', 'the error sits on the IP allowlist field');
    assert.equal(await card.getByText(/policies\.ip/).count(), 0, 'no API field path on the page');
    await field(card, 'IP allowlist').press('Backspace');
    await field(card, 'Requests per minute').fill('120');
    await card.getByRole('button', { name: 'Save policies' }).click();
    await page.getByText('Policies saved').waitFor();
    const saved = await admin.ok('GET', `${org}/api-keys`);
    assert.deepEqual(saved.items.find((k: { name: string }) => k.name === 'payments-backend').policies, { ratelimit: { requests: { per_minute: 120 } } });
    // The JSON view is still there, with what the form saved.
    await card.getByText('JSON', { exact: true }).click();
    assert.deepEqual(JSON.parse(await page.getByLabel('Policies of this key').inputValue()), { ratelimit: { requests: { per_minute: 120 } } });
    const dry = page.getByRole('region', { name: 'Policy dry run' });
    await dry.getByRole('table', { name: 'Applicable limits' }).getByRole('row', { name: /Requests per minute\s*120/ }).waitFor();
    await dry.getByText('The next request would pass.').waitFor();
    await shot(page, 'admin-06-policies');
  });

  await step('settings: an operator access token, shown once, works on /api, expires, and the organisation\'s admins can revoke it', async () => {
    await goTo(page, 'Settings');
    await page.getByRole('button', { name: 'Create token' }).first().click();
    await field(dialog(page, 'Create access token'), 'Name').fill('ci');
    await field(dialog(page, 'Create access token'), 'Expires in (days)').fill('7');
    await (await openDialog(page, 'Create access token')).getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByLabel('New token "ci"').inputValue();
    const me = await fetch(`${odock.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    const listed = (await admin.ok('GET', '/api/auth/tokens')).items.find((x: { name: string }) => x.name === 'ci');
    assert.ok(Date.parse(listed.expiresAt) - Date.now() <= 7 * 86_400_000, 'the chosen lifetime');
    const mine = page.getByRole('table', { name: 'Access tokens' });
    const shown = await page.evaluate((iso) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)), listed.expiresAt);
    await mine.getByRole('columnheader', { name: 'Expires' }).waitFor();
    await mine.getByText(shown, { exact: true }).waitFor();
    const orgTokens = page.getByRole('table', { name: 'Operator tokens' });
    await orgTokens.getByText(ADMIN_EMAIL).waitFor();
    await shot(page, 'admin-06-settings-token');
    await orgTokens.getByRole('button', { name: `Revoke ci of ${ADMIN_EMAIL}` }).click();
    await (await openDialog(page, /Revoke .* token ci/)).getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('No operator tokens').waitFor();
    const after = await fetch(`${odock.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(after.status, 401);
  });

  await step('settings: change one\'s own password with the current one; other sessions end', async () => {
    const other = await AdminClient.login(odock.url);
    const card = page.getByRole('form', { name: 'Change password' });
    await field(card, 'Current password').fill('wrong-password-0');
    await field(card, 'New password').fill('a-brand-new-password');
    await field(card, 'Confirm new password').fill('a-brand-new-password');
    await card.getByRole('button', { name: 'Change password' }).click();
    await card.getByText('The current password is incorrect').waitFor();
    await field(card, 'Current password').fill(ADMIN_PASSWORD);
    await card.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.', { exact: false }).waitFor();
    assert.equal((await other.get('/api/auth/me')).status, 401, 'the other session ended');
    assert.equal((await page.request.get('/api/auth/me')).status(), 200, 'this browser stays signed in');
    // Put it back for the API client of the steps below.
    await page.request.post('/api/auth/password', { data: { currentPassword: 'a-brand-new-password', newPassword: ADMIN_PASSWORD } });
    admin = await AdminClient.login(odock.url);
  });

  await step('organisation switcher: create an organisation and switch between them', async () => {
    await page.getByRole('button', { name: 'Switch organisation' }).click();
    await page.getByRole('menuitem', { name: 'New organisation' }).click();
    await field(dialog(page, 'New organisation'), 'Name').fill('Acme');
    await (await openDialog(page, 'New organisation')).getByRole('button', { name: 'Create organisation' }).click();
    await page.getByRole('button', { name: 'Switch organisation' }).getByText('Acme').waitFor();
    await goTo(page, 'API Keys');
    await page.getByText('No API keys yet').waitFor();
    await page.getByRole('button', { name: 'Switch organisation' }).click();
    await page.getByRole('menuitem', { name: /Default/ }).click();
    await page.getByRole('table', { name: 'API keys' }).getByRole('link', { name: 'payments-backend' }).waitFor();
  });

  await step('tablet width: navigation behind the burger, pages still usable', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.getByRole('link', { name: 'payments-backend' }).click();
    await page.getByRole('heading', { name: 'payments-backend' }).waitFor();
    await shot(page, 'tablet-01-api-key');
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Models' }).click();
    await page.getByRole('heading', { name: 'Models', level: 2 }).waitFor();
    await shot(page, 'tablet-02-models');
    await goToViaBurger(page, 'Providers');
    await shot(page, 'tablet-03-providers');
  });

  await step('lists page on the server: Next and Previous follow the cursors', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    for (let i = 1; i <= 26; i++) await admin.ok('POST', `${org}/api-keys`, { type: 'ORGANISATION', name: `batch-key-${String(i).padStart(2, '0')}` });
    await goTo(page, 'API Keys');
    const table = page.getByRole('table', { name: 'API keys' });
    await table.getByRole('link', { name: 'batch-key-26' }).waitFor();
    await page.getByText('Page 1', { exact: true }).waitFor();
    assert.equal(await table.getByRole('link').count(), 25);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2', { exact: true }).waitFor();
    await table.getByRole('link', { name: 'payments-backend' }).waitFor();
    assert.equal(await table.getByRole('link').count(), 2);
    await page.getByRole('button', { name: 'Previous' }).click();
    await table.getByRole('link', { name: 'batch-key-26' }).waitFor();
  });

  assert.deepEqual(errors, [], 'no uncaught errors in the page');
});

async function goToViaBurger(page: import('playwright-core').Page, section: string) {
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await goTo(page, section);
}
