// What a new operator ran into walking the console (issue 15, items 1–10), each checked in
// Chromium against a listening Odock, the fake OpenAI upstream and a real MCP server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminClient } from '../helpers/admin-client.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startOdock } from '../helpers/odock.ts';
import { startFakeOpenAI } from '../fakes/fake-openai.ts';
import { startRecordingMcpServer } from '../mcp/fixtures/recording-mcp-server.ts';
import { choose, dialog, ensureConsoleBuilt, field, goTo, launchBrowser, login, needChromium, newContext, openDialog, shot, stepper, submitDialog, watchErrors } from './browser.ts';

const SECRET = 'sk-console-fixes-upstream-9911';
const LONG_PATH = `/mcp/${'very-long-segment-'.repeat(12)}end`;

test('console: the fixes an operator asked for (copy, costs, expiry, validation, MCP test, key test, docs, not-found, ids)', async (t) => {
  if (!needChromium(t)) return;
  await ensureConsoleBuilt();
  const fake = await startFakeOpenAI({ apiKey: SECRET });
  t.after(() => fake.close());
  const mcp = await startRecordingMcpServer({ auth: { type: 'bearer', token: 'mcp-token-fixes' } });
  t.after(() => mcp.close());
  const odock = await startOdock({ serveConsole: true });
  t.after(() => odock.close());
  const admin = await AdminClient.login(odock.url);
  const orgId = await admin.defaultOrgId();
  const org = `/api/organisations/${orgId}`;
  const provider = await admin.ok('POST', `${org}/providers`, { type: 'OPENAI' });
  await admin.ok('PATCH', `${org}/providers/${provider.id}`, { baseUrl: fake.url });
  const pkey = await admin.ok('POST', `${org}/providers/${provider.id}/keys`, { name: 'Primary', key: SECRET });
  await admin.ok('POST', `${org}/providers/${provider.id}/keys`, { name: 'Stale', key: 'sk-stale-wrong-0000' });
  const model = await admin.ok('POST', `${org}/models`, { name: 'cheap-chat', slug: 'gpt-4.1-mini', providerId: provider.id, providerApiKeyId: pkey.id, type: 'chat', pricing: { inputPerMTok: 0.075, outputPerMTok: 0.3 } });
  const key = await admin.ok('POST', `${org}/api-keys`, { type: 'ORGANISATION', name: 'Checkout', expiry: '2031-06-30T18:00', timezone: 'Europe/Paris' });
  await admin.ok('POST', `${org}/api-keys/${key.id}/model-access`, { modelIds: [model.id] });
  const server = await admin.ok('POST', `${org}/mcp-servers`, {
    name: 'Tools', slug: 'tools', transport: 'STREAMABLE_HTTP', endpointUrl: mcp.url, authType: 'BEARER', authSecret: 'mcp-token-fixes',
  });
  const longServer = await admin.ok('POST', `${org}/mcp-servers`, { name: 'Far away', slug: 'far-away', transport: 'STREAMABLE_HTTP', endpointUrl: `http://127.0.0.1:9${LONG_PATH}` });

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const ctx = await newContext(browser, odock.url);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  const step = stepper(t, page);

  await step('10: the first frame is a loader, never an empty page', async () => {
    // Hold the console's script: what the browser paints meanwhile is the page's own markup.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/assets/*.js', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/login', { waitUntil: 'commit' });
    await page.getByRole('progressbar', { name: 'Loading the console' }).waitFor();
    release();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.unroute('**/assets/*.js');
    await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  await step('1 and 8: Copy only once the key is revealed, the real key goes on the clipboard, with ready-to-copy snippets', async () => {
    await page.goto(`/orgs/${orgId}/api-keys/${key.id}`);
    const card = page.getByRole('region', { name: 'Reveal API Key' });
    await card.getByLabel('Masked API key').waitFor();
    assert.equal(await card.getByRole('button', { name: 'Copy', exact: true }).count(), 0, 'no Copy for the mask before reveal');
    await card.getByRole('button', { name: 'Reveal API key' }).click();
    const secret = await card.getByLabel('Revealed API key').inputValue();
    await card.getByRole('button', { name: 'Copy', exact: true }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    const snippets = card.getByRole('region', { name: 'Snippets' });
    const curl = await snippets.getByTestId('snippet-curl').innerText();
    assert.ok(curl.includes(`${odock.url}/v1/chat/completions`) && curl.includes(secret) && curl.includes('"model": "cheap-chat"'), curl);
    for (const tab of ['OpenAI SDK', 'Anthropic SDK', 'Google GenAI SDK']) {
      await snippets.getByRole('tab', { name: tab }).click();
      await snippets.getByRole('tabpanel').getByText(secret, { exact: false }).waitFor();
    }
    await snippets.getByRole('tab', { name: 'curl' }).click();
    await snippets.getByRole('button', { name: 'Copy the curl snippet' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), curl);
    await shot(page, 'fixes-01-revealed-snippets');
    await page.reload();
    await card.getByLabel('Masked API key').waitFor();
    assert.equal(await card.getByRole('button', { name: 'Copy', exact: true }).count(), 0, 'no Copy for the mask after reveal');
    assert.equal(await card.getByRole('region', { name: 'Snippets' }).count(), 0, 'no snippets without the secret');
  });

  await step('10: ids stay on one line with a Copy button', async () => {
    await page.setViewportSize({ width: 900, height: 900 });
    const id = page.getByTestId('record-id');
    await id.waitFor();
    const style = await id.evaluate((el) => ({ ws: getComputedStyle(el).whiteSpace, h: el.getBoundingClientRect().height, lh: parseFloat(getComputedStyle(el).lineHeight) }));
    assert.equal(style.ws, 'nowrap');
    assert.ok(style.h < style.lh * 1.8, `one line high, got ${style.h}px`);
    await page.getByRole('button', { name: 'Copy ID' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key.id);
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  await step('4: expiry shown with its timezone in the list and on the key', async () => {
    await page.getByRole('region', { name: 'Reveal API Key' }).waitFor();
    await page.getByText(/Jun 30, 2031.*6:00\s?PM Europe\/Paris/).first().waitFor();
    await goTo(page, 'API Keys');
    const row = page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /Checkout/ });
    await row.getByText(/Europe\/Paris/).waitFor();
  });

  await step('4: the expiry is picked from a calendar, not the browser\'s native picker', async () => {
    await page.getByRole('button', { name: 'Add New API Key' }).first().click();
    const dlg = await openDialog(page, 'Add New API Key');
    assert.equal(await dlg.locator('input[type="datetime-local"]').count(), 0);
    await dlg.getByRole('button', { name: 'Pick expiry from a calendar' }).click();
    // The calendar pops over the dialog; it is the one with month navigation.
    const cal = page.getByRole('dialog').filter({ has: page.getByRole('button', { name: 'Next month' }) });
    await cal.getByRole('button', { name: 'Next month' }).click();
    const next = new Date();
    next.setDate(1);
    next.setMonth(next.getMonth() + 1);
    const day = `${next.getFullYear()}-${String(next.getMonth() + 1).padStart(2, '0')}-15`;
    await cal.getByRole('button', { name: day }).click();
    for (const [label, value] of [['Hour', '09'], ['Minute', '30']]) {
      await cal.locator('input').and(cal.getByLabel(label, { exact: true })).click();
      await cal.getByRole('option', { name: value, exact: true }).click();
    }
    assert.equal(await field(dlg, 'Expiry').inputValue(), `${day} 09:30`);
    await shot(page, 'fixes-02-expiry-calendar');
    await page.keyboard.press('Escape');
  });

  await step('10: a duplicate key name is refused next to the Name field', async () => {
    const dlg = dialog(page, 'Add New API Key');
    if (!(await dlg.isVisible())) await page.getByRole('button', { name: 'Add New API Key' }).first().click();
    await openDialog(page, 'Add New API Key');
    await field(dlg, 'Name').fill('checkout');
    await field(dlg, 'Expiry').fill('');
    await dlg.getByRole('button', { name: 'Next' }).click();
    await dlg.getByRole('button', { name: 'Create API Key' }).click();
    await dlg.getByText('Another API key of this organisation is already named "checkout"; choose another name').waitFor();
    assert.equal(await field(dlg, 'Name').getAttribute('aria-invalid'), 'true');
    await submitDialog(dlg, 'Cancel');
  });

  await step('6: validation in words; Add Model flags every missing field', async () => {
    await goTo(page, 'Users');
    await page.getByRole('button', { name: 'Add User' }).first().click();
    const dlg = await openDialog(page, 'Add User');
    await field(dlg, 'Email').fill('not-an-email');
    await field(dlg, 'Name').fill('Sam');
    await dlg.getByRole('button', { name: 'Add user' }).click();
    await dlg.getByText('Enter a valid email address', { exact: true }).waitFor();
    assert.equal(await dlg.getByText(/email:/).count(), 0, 'no API field path');
    await submitDialog(dlg, 'Cancel');

    await goTo(page, 'Models');
    await page.getByRole('button', { name: 'Add Model' }).click();
    const add = await openDialog(page, 'Add Model');
    await add.getByRole('button', { name: 'Create model' }).click();
    for (const [label, message] of [['Name', 'Enter the name clients will send'], ['Provider', 'Select a provider'], ['Upstream slug', "Enter the provider's model id"]]) {
      await add.getByText(message, { exact: true }).waitFor();
      assert.equal(await field(add, label).getAttribute('aria-invalid'), 'true', label);
    }
    await shot(page, 'fixes-03-add-model-missing');
    await submitDialog(add, 'Cancel');
  });

  await step('3: one cost format on the models list', async () => {
    const models = page.getByRole('table', { name: 'Models' });
    await models.getByText('$0.075 / $0.30', { exact: true }).waitFor();
  });

  await step('8: a provider key test answers from the upstream, a stale key says why', async () => {
    await page.goto(`/orgs/${orgId}/providers/${provider.id}`);
    const keys = page.getByRole('table', { name: 'Provider keys' });
    await keys.getByRole('row', { name: /Primary/ }).getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByText('Primary works').waitFor();
    await page.getByText(/lists 1 model\./).waitFor();
    await keys.getByRole('row', { name: /Stale/ }).getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByText('Stale failed the test').waitFor();
    await page.getByText(/rejected the provider key.*\(upstream_error\)/).waitFor();
    assert.ok(!(await page.content()).includes('sk-stale-wrong-0000'));
  });

  await step('6: an empty required field is marked, but its placeholder is not painted red', async () => {
    const add = page.getByRole('region', { name: 'Add Provider Key' });
    await add.getByRole('button', { name: 'Create key' }).click();
    const name = field(add, 'Name');
    await page.waitForFunction((el) => el?.getAttribute('aria-invalid') === 'true', await name.elementHandle());
    const message = await add.getByText('This field is required').first().evaluate((el) => getComputedStyle(el).color);
    const placeholder = await name.evaluate((el) => getComputedStyle(el, '::placeholder').color);
    assert.notEqual(placeholder, message, 'the placeholder keeps its hint colour');
    await shot(page, 'fixes-04-required-placeholder');
  });

  await step('10: Deactivate carries no trash icon', async () => {
    const deactivate = page.getByRole('button', { name: 'Deactivate' });
    assert.equal(await deactivate.locator('svg.tabler-icon-trash').count(), 0);
  });

  await step('7: Test connection lists the server\'s tools; blocked tools are picked from them; long endpoints wrap', async () => {
    await page.goto(`/orgs/${orgId}/mcp-servers/${server.id}`);
    const conn = page.getByRole('region', { name: 'Connection' });
    await conn.getByRole('button', { name: 'Test connection' }).click();
    const tools = conn.getByRole('group', { name: 'Discovered tools' });
    await conn.getByText(/Connected.* · 5 tools/).waitFor();
    for (const name of ['echo', 'admin_reset']) await tools.getByText(name, { exact: true }).waitFor();
    assert.ok(!(await page.content()).includes('mcp-token-fixes'));
    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = await openDialog(page, 'Edit Tools');
    await field(edit, 'Blocked tools').click();
    await page.getByRole('option', { name: 'admin_reset', exact: true }).click();
    await field(edit, 'Allowed tools').fill('tool_the_server_will_add');
    await field(edit, 'Allowed tools').press('Enter');
    await shot(page, 'fixes-04-mcp-tool-picker');
    await submitDialog(edit, 'Save changes');
    const saved = await admin.ok('GET', `${org}/mcp-servers/${server.id}`);
    assert.deepEqual([saved.blockedTools, saved.allowedTools], [['admin_reset'], ['tool_the_server_will_add']]);

    await page.goto(`/orgs/${orgId}/mcp-servers/${longServer.id}`);
    const endpoint = page.getByText(`http://127.0.0.1:9${LONG_PATH}`);
    await endpoint.waitFor();
    const fits = await endpoint.evaluate((el) => {
      const card = el.closest('.mantine-Card-root')!.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return box.right <= card.right + 0.5;
    });
    assert.ok(fits, 'the endpoint wraps inside its card');
  });

  await step('10: a bad organisation is "not found", not a missing list', async () => {
    await page.goto('/orgs/no-such-org/providers');
    await page.getByText('Organisation not found').waitFor();
    assert.equal(await page.getByText('This provider list does not exist').count(), 0);
  });

  await step('9: /api/docs is a readable reference, rendered offline', async () => {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto('/api/docs');
    await page.getByRole('heading', { level: 1, name: 'Odock admin API' }).waitFor();
    const keys = page.getByRole('region', { name: 'api-keys' });
    await keys.getByText('List the API keys', { exact: true }).waitFor();
    await keys.getByText('Reveal an API key (once)', { exact: true }).waitFor();
    assert.ok(requests.every((u) => u.startsWith(odock.url)), `only the gateway itself is asked: ${requests.filter((u) => !u.startsWith(odock.url)).join(', ')}`);
    await shot(page, 'fixes-05-api-docs');
  });

  await step('no page error and nothing blocked by the Content-Security-Policy', async () => {
    assert.deepEqual(errors, []);
  });
});
