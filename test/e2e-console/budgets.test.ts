// The Budgets page, the budget card of a key, a refused call in Usage, and a webhook in Settings,
// driven in Chromium as an operator would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, waitFor } from '../helpers/odock.ts';
import { setupKey } from '../helpers/setup-flow.ts';
import { startFakeOpenAI } from '../fakes/fake-openai.ts';
import { choose, ensureConsoleBuilt, field, goTo, launchBrowser, login, needChromium, newContext, openDialog, shot, stepper, watchErrors } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/odock.ts';

const PROVIDER_KEY = 'sk-console-budgets-0001';

test('console: budgets, a key\'s budget card, a refused call in usage, webhooks', async (t) => {
  if (!needChromium(t)) return;
  await ensureConsoleBuilt();
  const fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
  t.after(() => fake.close());
  const odock = await startOdock({ serveConsole: true });
  t.after(() => odock.close());
  // $1 per output token; the fake answers 6: each call below costs (and reserves) $6.
  const s = await setupKey(odock, {
    baseUrl: fake.url, providerKey: PROVIDER_KEY, keyBody: { name: 'Checkout service' },
    models: { 'gpt-4.1-mini': { slug: 'gpt-4.1-mini', pricing: { inputPerMTok: 0, outputPerMTok: 1_000_000 } } },
  });
  const chat = () => fetch(`${odock.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1-mini', max_tokens: 6, messages: [{ role: 'user', content: 'hi' }] }),
  }).then((r) => r.status);

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await (await newContext(browser, odock.url)).newPage();
  const errors = watchErrors(page);
  const step = stepper(t, page);
  const budgets = () => page.getByRole('table', { name: 'Budgets' });

  await step('create a budget for a key on the Budgets page', async () => {
    await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await goTo(page, 'Budgets');
    await page.getByText('No budgets').waitFor();
    await page.getByRole('button', { name: 'Add budget' }).first().click();
    const dlg = await openDialog(page, 'Create budget');
    await choose(page, dlg, 'Scope', 'API key');
    await choose(page, dlg, 'API key', /Checkout service/);
    await field(dlg, 'Amount (USD)').fill('12');
    await dlg.getByRole('button', { name: 'Create budget' }).click();
    await dlg.waitFor({ state: 'hidden' });
    await budgets().getByText('$0.00 of $12.00').waitFor();
    await budgets().getByText('Checkout service').waitFor();
    await shot(page, 'budgets-01-created');
  });

  await step('two calls spend it; the third is refused with 402 and the page shows it spent', async () => {
    assert.equal(await chat(), 200);
    assert.equal(await chat(), 200);
    await waitFor(async () => (await s.client.ok('GET', `/api/organisations/${s.orgId}/budgets?limit=10`)).items[0].spentUsd === '12.00');
    assert.equal(await chat(), 402);
    await page.reload();
    await budgets().getByText('$12.00 of $12.00').waitFor();
    assert.equal(await budgets().getByRole('progressbar', { name: '$12.00 of $12.00' }).count(), 1);
    await shot(page, 'budgets-02-spent');
  });

  await step('edit the amount: the limit follows', async () => {
    await budgets().getByRole('button', { name: 'Edit' }).click();
    const dlg = await openDialog(page, 'Edit budget');
    await field(dlg, 'Amount (USD)').fill('18');
    await dlg.getByRole('button', { name: 'Save budget' }).click();
    await dlg.waitFor({ state: 'hidden' });
    await budgets().getByText('$12.00 of $18.00').waitFor();
  });

  await step('the key\'s page shows its budget', async () => {
    await goTo(page, 'API Keys');
    await page.getByRole('link', { name: 'Checkout service' }).click();
    await page.getByRole('heading', { name: 'Checkout service' }).waitFor();
    await page.getByRole('region', { name: 'Budgets' }).getByText('$12.00 of $18.00').waitFor();
    await shot(page, 'budgets-03-key-card');
  });

  await step('a user\'s budgets open from the Users page', async () => {
    await goTo(page, 'Users');
    await page.getByRole('button', { name: 'Budgets' }).first().click();
    const dlg = await openDialog(page, /^Budgets of /);
    await dlg.getByText('No budgets').waitFor();
    await dlg.getByText('No quotas').waitFor();
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'hidden' });
  });

  await step('the refused call is in Usage with its code', async () => {
    await goTo(page, 'Usage');
    await page.getByText('402 · budget_exceeded').first().waitFor();
  });

  await step('add a webhook in Settings and open its deliveries', async () => {
    await goTo(page, 'Settings');
    await page.getByRole('button', { name: 'Add webhook' }).first().click();
    const dlg = await openDialog(page, 'Add webhook');
    await field(dlg, 'URL').fill('https://hooks.example.test/odock');
    await field(dlg, 'Signing secret').fill('console-secret-0123456789');
    await dlg.getByRole('button', { name: 'Add webhook' }).click();
    await dlg.waitFor({ state: 'hidden' });
    const hooks = page.getByRole('table', { name: 'Webhooks' });
    await hooks.getByText('https://hooks.example.test/odock').waitFor();
    await hooks.getByRole('button', { name: 'Deliveries' }).click();
    const deliveries = await openDialog(page, 'Deliveries');
    await deliveries.getByText('No deliveries yet').waitFor();
    await shot(page, 'budgets-04-webhooks');
    await deliveries.getByRole('button', { name: 'Close' }).click().catch(() => page.keyboard.press('Escape'));
  });

  await step('delete the budget: calls pass again', async () => {
    await goTo(page, 'Budgets');
    await budgets().getByRole('button', { name: 'Delete' }).click();
    const dlg = await openDialog(page, 'Delete budget');
    await dlg.getByRole('button', { name: 'Delete budget' }).click();
    await page.getByText('No budgets').waitFor();
    assert.equal(await chat(), 200);
  });

  assert.deepEqual(errors, []);
});
