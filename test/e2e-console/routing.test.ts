// Routing in the console: a deployment added on the model page (with its health), a routing rule
// added on the Routing page and explained, and a rerouted call's attempts in the usage records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminClient } from '../helpers/admin-client.ts';
import { startOdock } from '../helpers/odock.ts';
import { postChat } from '../helpers/chat.ts';
import { startFakeOpenAI } from '../fakes/fake-openai.ts';
import { startFakeAnthropic } from '../fakes/fake-anthropic.ts';
import { choose, ensureConsoleBuilt, field, goTo, launchBrowser, login, needChromium, newContext, openDialog, stepper, shot, watchErrors } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/odock.ts';

test('console: deployments, routing rules, explain and attempts', async (t) => {
  if (!needChromium(t)) return;
  await ensureConsoleBuilt();
  const openai = await startFakeOpenAI({ apiKey: 'sk-console-oa-0001' });
  const vllm = await startFakeOpenAI({ apiKey: 'sk-console-vllm-0001' });
  const anthropic = await startFakeAnthropic({ apiKey: 'sk-console-ant-0001' });
  t.after(() => Promise.all([openai.close(), vllm.close(), anthropic.close()]));
  const odock = await startOdock({ serveConsole: true });
  t.after(() => odock.close());

  // An admin prepares providers, models and a key through the API.
  const admin = await AdminClient.login(odock.url);
  const orgId = await admin.defaultOrgId();
  const org = `/api/organisations/${orgId}`;
  const provider = async (type: string, url: string, key: string) => {
    const p = await admin.ok('POST', `${org}/providers`, { type, baseUrl: url });
    await admin.ok('POST', `${org}/providers/${p.id}/keys`, { name: `${type} key`, key });
    return p;
  };
  const oa = await provider('OPENAI', openai.url, 'sk-console-oa-0001');
  await provider('VLLM', vllm.url, 'sk-console-vllm-0001');
  const ant = await provider('ANTHROPIC', anthropic.url, 'sk-console-ant-0001');
  const keyOf = async (p: { id: string }) => (await admin.ok('GET', `${org}/providers/${p.id}/keys`)).items[0].id;
  const primary = await admin.ok('POST', `${org}/models`, { name: 'oa-primary', slug: 'gpt-4.1-mini', providerId: oa.id, providerApiKeyId: await keyOf(oa) });
  const fallback = await admin.ok('POST', `${org}/models`, { name: 'claude-fallback', slug: 'claude-sonnet-4-5', providerId: ant.id, providerApiKeyId: await keyOf(ant) });
  const key = await admin.ok('POST', `${org}/api-keys`, { type: 'ORGANISATION', name: 'Routed app' });
  await admin.ok('POST', `${org}/api-keys/${key.id}/model-access`, { modelIds: [primary.id, fallback.id] });
  const { key: secret } = await admin.ok('POST', `${org}/api-keys/${key.id}/reveal`);

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await (await newContext(browser, odock.url)).newPage();
  const errors = watchErrors(page);
  const step = stepper(t, page);

  await step('model page: Add Deployment puts a second provider behind the model, shown healthy', async () => {
    await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`/orgs/${orgId}/models/${primary.id}`);
    const card = page.getByRole('region', { name: 'Deployments' });
    await card.getByText('No extra deployments').waitFor();
    await card.getByRole('button', { name: 'Add Deployment' }).click();
    const dlg = await openDialog(page, 'Add a deployment of oa-primary');
    await choose(page, dlg, 'Provider', /^OpenAI-compatible/);
    await choose(page, dlg, 'Provider key', /^VLLM key/);
    await field(dlg, 'Upstream slug').fill('llama-behind-oa');
    await dlg.getByRole('button', { name: 'Add Deployment' }).click();
    await dlg.waitFor({ state: 'detached' });
    const table = card.getByRole('table', { name: 'Deployments' });
    await table.getByText('llama-behind-oa').waitFor();
    await table.getByText('Healthy').waitFor();
    await shot(page, 'routing-01-deployments');
  });

  await step('Routing page: Add Routing Rule with a fallback on another provider family', async () => {
    await goTo(page, 'Routing');
    await page.getByText('No routing rules yet').waitFor();
    await page.getByRole('button', { name: 'Add Routing Rule' }).first().click();
    const dlg = await openDialog(page, 'Add Routing Rule');
    await choose(page, dlg, 'Requested model', 'oa-primary');
    await choose(page, dlg, 'Candidates', 'claude-fallback');
    await dlg.getByRole('button', { name: 'Create Rule' }).click();
    await dlg.waitFor({ state: 'detached' });
    const rules = page.getByRole('table', { name: 'Routing rules' });
    await rules.getByText('oa-primary').waitFor();
    await rules.getByText('Whole organisation').waitFor();
    await rules.getByText('claude-fallback').waitFor();
    await shot(page, 'routing-02-rules');
  });

  await step('Explain routing: the order a call from the key would follow', async () => {
    const card = page.getByRole('region', { name: 'Explain routing' });
    await choose(page, card, 'API key', 'Routed app');
    await choose(page, card, 'Model', 'oa-primary');
    await card.getByRole('button', { name: 'Explain' }).click();
    const items = card.getByRole('listitem');
    await items.nth(1).waitFor();
    assert.match(await items.nth(0).innerText(), /oa-primary.*llama-behind-oa/s);
    assert.match(await items.nth(1).innerText(), /claude-fallback/);
    await shot(page, 'routing-03-explain');
  });

  await step('Usage: a call rerouted after a 500 shows its attempts', async () => {
    vllm.next({ kind: 'error', status: 500 });
    const r = await postChat(odock.url, secret, { model: 'oa-primary' });
    assert.equal(r.status, 200);
    assert.equal(anthropic.requests.length, 1);
    await goTo(page, 'Usage');
    const badge = page.getByRole('button', { name: /^Attempts of request/ });
    await badge.getByText('rerouted · 2 attempts').waitFor();
    await badge.click();
    const attempts = page.getByRole('table', { name: 'Attempts' });
    await attempts.getByText('502 · upstream_error').waitFor();
    await attempts.getByText('claude-fallback').waitFor();
    await shot(page, 'routing-04-usage-attempts');
  });

  assert.deepEqual(errors, []);
});
