// Seed 000 "Initial Setup", click by click in the console. Each step is what the seed tells the
// operator to do, plus the checks an operator would make by looking at the page.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { choose, field, goTo, openDialog, shot } from './browser.ts';

export const CATALOG_MODELS = ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano'];

/** "Activate the Provider", then Configure (and point it at the fake upstream). */
export async function activateOpenAI(page: Page, upstreamBaseUrl: string): Promise<void> {
  await goTo(page, 'Providers');
  const card = page.getByRole('region', { name: 'OpenAI provider' });
  await shot(page, '01-providers');
  await card.getByRole('button', { name: 'Activate OpenAI' }).click();
  await card.getByText('Active', { exact: true }).waitFor();
  await card.getByText('https://api.openai.com/v1').waitFor();
  await card.getByRole('link', { name: 'Configure OpenAI' }).click();
  await page.getByRole('heading', { name: 'Add Provider Key' }).waitFor();

  // The test's only departure from the seed: the upstream is a local fake, not api.openai.com.
  const settings = page.getByRole('region', { name: 'Provider settings' });
  await field(settings, 'Base URL').fill(upstreamBaseUrl);
  await settings.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Provider settings saved').waitFor();
}

/** "Add a Provider Key": Name, Key, Create key; the list then shows the preview only. */
export async function addProviderKey(page: Page, secret: string): Promise<void> {
  const card = page.getByRole('region', { name: 'Add Provider Key' });
  await field(card, 'Name').fill('Primary');
  await field(card, 'Key').fill(secret);
  await card.getByRole('button', { name: 'Create key' }).click();
  const keys = page.getByRole('table', { name: 'Provider keys' });
  await keys.getByRole('cell', { name: 'Primary' }).waitFor();
  await keys.getByText(`••••${secret.slice(-4)}`).waitFor();
  assert.equal(await field(card, 'Key').inputValue(), '', 'the key field is cleared after saving');
  assert.ok(!(await page.content()).includes(secret), 'the provider secret is not on the page');
  await shot(page, '02-provider-detail');
}

/** "Add Models From the Catalog": the batch dialog, search gpt-4.1, select three, create. */
export async function addModelsFromCatalog(page: Page, providerKeySuffix: string): Promise<void> {
  await goTo(page, 'Models');
  await page.getByRole('table', { name: 'Models' }).getByText('No models yet').waitFor();
  await page.getByRole('button', { name: 'Add From Catalog' }).first().click();
  const dlg = await openDialog(page, 'Batch Create Models From Provider Catalog');
  await dlg.waitFor();
  await choose(page, dlg, 'Provider', 'OpenAI');
  await choose(page, dlg, 'Provider key', `Primary (…${providerKeySuffix})`);
  await dlg.getByLabel('Search the catalog').fill('gpt-4.1');
  const table = dlg.getByRole('table', { name: 'Catalog models' });
  await table.getByText('gpt-4.1-nano', { exact: true }).waitFor();
  // The search narrowed the catalog: nothing outside gpt-4.1 is offered.
  await table.getByText('gpt-4o', { exact: true }).waitFor({ state: 'detached' });
  for (const slug of CATALOG_MODELS) await dlg.getByRole('checkbox', { name: `Select ${slug}`, exact: true }).check();
  await dlg.getByText('3 selected').waitFor();
  await shot(page, '03-catalog-dialog');
  await dlg.getByRole('button', { name: 'Create Selected Models' }).click();
  await dlg.waitFor({ state: 'detached' });
  const models = page.getByRole('table', { name: 'Models' });
  for (const slug of CATALOG_MODELS) await models.getByRole('link', { name: slug, exact: true }).waitFor();
  await shot(page, '04-models');
}

/** "Create a Virtual API Key": Type Organisation, optional Expiry, Timezone → Next → Create API Key. Returns the key page URL. */
export async function createOrganisationKey(page: Page, name: string): Promise<string> {
  await goTo(page, 'API Keys');
  await page.getByRole('button', { name: 'Add New API Key' }).first().click();
  const dlg = await openDialog(page, 'Add New API Key');
  await field(dlg, 'Name').fill(name);
  await choose(page, dlg, 'Type', 'Organisation');

  // A past expiry is refused at Next, in words, next to the Expiry field (never one step later at Create).
  await field(dlg, 'Expiry').fill('2020-01-01T10:00');
  await choose(page, dlg, 'Timezone', 'Europe/Paris');
  await dlg.getByRole('button', { name: 'Next' }).click();
  await dlg.getByText(/^Choose an expiry in the future \(it is now .* in Europe\/Paris\)$/).waitFor();
  assert.equal(await field(dlg, 'Expiry').getAttribute('aria-invalid'), 'true', 'the error sits on the Expiry field');
  assert.equal(await dlg.getByRole('button', { name: 'Create API Key' }).count(), 0, 'still on the first step');
  await shot(page, '05-create-key-field-error');

  const nextYear = new Date().getFullYear() + 1;
  await field(dlg, 'Expiry').fill(`${nextYear}-06-30T18:00`);
  await dlg.getByRole('button', { name: 'Next' }).click();
  await dlg.getByText(`${nextYear}-06-30 18:00 (Europe/Paris)`).waitFor();
  await dlg.getByRole('button', { name: 'Create API Key' }).click();
  await page.waitForURL(/\/api-keys\/[^/?]+$/);
  await page.getByRole('heading', { name }).waitFor();
  return page.url();
}

/** "Grant Model Access": Model Access tab → Batch Add → search → select the three → Grant Model Access. */
export async function grantModels(page: Page, models: string[]): Promise<void> {
  await page.getByRole('tab', { name: 'Model Access' }).click();
  await page.getByText('No model access yet').waitFor();
  await page.getByRole('button', { name: 'Batch Add' }).first().click();
  const dlg = await openDialog(page, 'Grant Model Access');
  await dlg.getByLabel('Search models').fill('gpt-4.1');
  for (const m of models) await dlg.getByRole('checkbox', { name: `Select ${m}`, exact: true }).check();
  await shot(page, '07-grant-model-access');
  await dlg.getByRole('button', { name: 'Grant Model Access' }).click();
  await dlg.waitFor({ state: 'detached' });
  const granted = page.getByRole('table', { name: 'Granted models' });
  for (const m of models) await granted.getByRole('checkbox', { name: `Select ${m}`, exact: true }).waitFor();
  await shot(page, '08-model-access');
}

/** "Reveal and Copy": Details tab → eye icon → the full key → Copy. Returns the key read from the page. */
export async function revealAndCopy(page: Page): Promise<string> {
  await page.getByRole('tab', { name: 'Details' }).click();
  const card = page.getByRole('region', { name: 'Reveal API Key' });
  await card.getByRole('button', { name: 'Reveal API key' }).click();
  const revealed = card.getByLabel('Revealed API key');
  await revealed.waitFor();
  const key = await revealed.inputValue();
  assert.ok(key.length > 20 && !key.includes('…') && !key.includes('*'), `a full key is shown, got ${key}`);
  await card.getByRole('button', { name: 'Copy', exact: true }).click();
  await card.getByRole('button', { name: 'Copied', exact: true }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key, 'Copy puts the key on the clipboard');
  await shot(page, '09-revealed-key');
  return key;
}
