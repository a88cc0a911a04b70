// The whole Initial Setup walkthrough (seed 000) in Debian's Chromium against a listening Odock
// and a fake OpenAI upstream, ending with the revealed key used by the official openai SDK; then
// the key actions of seed 001: reveal-once, rotate, revoke/unrevoke, model access removal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startOdock, type TestOdock } from '../helpers/odock.ts';
import { ensureConsoleBuilt, goTo, launchBrowser, login, needChromium, newContext, openDialog, stepper, shot, watchErrors } from './browser.ts';
import { FAKE_REPLY, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { activateOpenAI, addModelsFromCatalog, addProviderKey, CATALOG_MODELS, createOrganisationKey, grantModels, revealAndCopy } from './setup-steps.ts';

const PROVIDER_SECRET = 'sk-fake-upstream-secret-7Qx9';

async function chat(odock: TestOdock, apiKey: string, model = 'gpt-4.1-mini') {
  const client = new OpenAI({ apiKey, baseURL: `${odock.url}/v1`, maxRetries: 0 });
  return client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hello' }] });
}

async function expectStatus(p: Promise<unknown>, status: number, code: string) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof OpenAI.APIError, `expected an OpenAI APIError, got ${String(err)}`);
    assert.equal(err.status, status);
    assert.equal((err.error as { code?: string } | undefined)?.code ?? err.code, code);
    return true;
  });
}

test('console: Initial Setup walkthrough, then reveal-once, rotate, revoke and model access', async (t) => {
  if (!needChromium(t)) return;
  await ensureConsoleBuilt();
  const upstream: FakeOpenAI = await startFakeOpenAI({ apiKey: PROVIDER_SECRET });
  t.after(() => upstream.close());
  const odock = await startOdock({ serveConsole: true });
  t.after(() => odock.close());
  const browser: Browser = await launchBrowser();
  t.after(() => browser.close());
  const ctx = await newContext(browser, odock.url);
  const page: Page = await ctx.newPage();
  const errors = watchErrors(page);

  const step = stepper(t, page);

  let keyUrl = '';
  let firstKey = '';

  await step('log in as the first operator', async () => {
    await page.goto('/');
    await page.waitForURL(/\/login/);
    await shot(page, '00-login');
    await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Switch organisation' }).getByText('Default').waitFor();
  });

  await step('seed 000: activate OpenAI, add the provider key, add three models from the catalog', async () => {
    await activateOpenAI(page, upstream.url);
    await addProviderKey(page, PROVIDER_SECRET);
    await addModelsFromCatalog(page, PROVIDER_SECRET.slice(-4));
  });

  await step('seed 000: create an organisation key, grant the models, reveal and copy it', async () => {
    keyUrl = await createOrganisationKey(page, 'Quick start key');
    await shot(page, '06-api-key-details');
    await grantModels(page, CATALOG_MODELS);
    firstKey = await revealAndCopy(page);
  });

  await step('the revealed key works with the official openai SDK', async () => {
    const res = await chat(odock, firstKey);
    assert.equal(res.choices[0]?.message.content, FAKE_REPLY);
    const call = upstream.requests.at(-1);
    assert.equal(call?.body.model, 'gpt-4.1-mini');
    assert.equal(call?.headers.authorization, `Bearer ${PROVIDER_SECRET}`, 'the upstream got the provider key, not the virtual key');
  });

  await step('reveal-once: after a reload the key is masked for good', async () => {
    await page.reload();
    const card = page.getByRole('region', { name: 'Reveal API Key' });
    const masked = await card.getByLabel('Masked API key').inputValue();
    assert.ok(masked.endsWith(firstKey.slice(-4)) && masked !== firstKey, `masked value shown, got ${masked}`);
    await card.getByText('already been revealed and is permanently masked').waitFor();
    assert.equal(await card.getByRole('button', { name: 'Reveal API key' }).isDisabled(), true);
    assert.ok(!(await page.content()).includes(firstKey), 'the full key is nowhere on the page');
    await shot(page, '10-masked-after-reload');
    const list = await (await page.request.get(`/api/auth/me`)).json();
    assert.equal(list.operator.email, ADMIN_EMAIL);
  });

  let secondKey = '';
  await step('rotate: a new secret, the old one refused, an entry in Rotation History', async () => {
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    const dlg = await openDialog(page, 'Rotate API key');
    await dlg.getByRole('button', { name: 'Rotate key' }).click();
    await dlg.waitFor({ state: 'detached' });
    const card = page.getByRole('region', { name: 'Reveal API Key' });
    const shown = card.getByLabel('Revealed API key');
    if (!(await shown.isVisible())) await card.getByRole('button', { name: 'Reveal API key' }).click();
    secondKey = await shown.inputValue();
    assert.notEqual(secondKey, firstKey);
    await expectStatus(chat(odock, firstKey), 401, 'unauthorized');
    assert.equal((await chat(odock, secondKey)).choices[0]?.message.content, FAKE_REPLY);
    await page.getByRole('tab', { name: 'Rotation History' }).click();
    const history = page.getByRole('table', { name: 'Rotation history' });
    await history.getByText(`${firstKey.slice(-4)}`, { exact: false }).waitFor();
    await history.getByText(ADMIN_EMAIL).waitFor();
    await shot(page, '11-rotation-history');
  });

  await step('revoke: confirmed, then the SDK call fails with 401; unrevoke restores it', async () => {
    await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    const dlg = await openDialog(page, 'Revoke this API key?');
    await dlg.getByRole('button', { name: 'Revoke', exact: true }).click();
    await dlg.waitFor({ state: 'detached' });
    await page.getByText('This key is revoked').waitFor();
    await expectStatus(chat(odock, secondKey), 401, 'api_key_revoked');
    await shot(page, '12-revoked');
    await page.getByRole('button', { name: 'Unrevoke', exact: true }).click();
    await (await openDialog(page, 'Unrevoke this API key?')).getByRole('button', { name: 'Unrevoke' }).click();
    await page.getByRole('button', { name: 'Revoke', exact: true }).waitFor();
    assert.equal((await chat(odock, secondKey)).choices[0]?.message.content, FAKE_REPLY);
  });

  await step('model access: remove one grant, the key is refused for that model only', async () => {
    await page.getByRole('tab', { name: 'Model Access' }).click();
    const granted = page.getByRole('table', { name: 'Granted models' });
    await granted.getByRole('checkbox', { name: 'Select gpt-4.1-nano', exact: true }).check();
    await page.getByRole('button', { name: 'Remove selected (1)' }).click();
    await (await openDialog(page, 'Remove access?')).getByRole('button', { name: 'Remove access' }).click();
    await granted.getByRole('checkbox', { name: 'Select gpt-4.1-nano', exact: true }).waitFor({ state: 'detached' });
    await granted.getByRole('checkbox', { name: 'Select gpt-4.1', exact: true }).waitFor();
    await expectStatus(chat(odock, secondKey, 'gpt-4.1-nano'), 403, 'model_not_allowed');
    assert.equal((await chat(odock, secondKey, 'gpt-4.1')).choices[0]?.message.content, FAKE_REPLY);
    await shot(page, '13-model-access-after-remove');
  });

  await step('every section renders (screenshots for review)', async () => {
    await goTo(page, 'API Keys');
    await page.getByRole('table', { name: 'API keys' }).getByRole('link', { name: 'Quick start key' }).waitFor();
    await shot(page, '14-api-keys');
    for (const [section, name] of [['MCP Servers', '15-mcp-servers'], ['Teams', '16-teams'], ['Users', '17-users'], ['Usage', '18-usage'], ['Settings', '19-settings']] as const) {
      await goTo(page, section);
      await shot(page, name);
    }
    // Usage records are written asynchronously; the successful calls above show up in the table.
    await goTo(page, 'Usage');
    await page.getByRole('table', { name: 'Usage records' }).getByText('gpt-4.1-mini').first().waitFor({ timeout: 10_000 });
    await shot(page, '18-usage');
    assert.ok(keyUrl.includes('/api-keys/'));
  });

  assert.deepEqual(errors, [], 'no uncaught errors in the page');
});
