// The Playground page: chat through the gateway as one of the organisation's keys, streamed,
// against the fake OpenAI upstream; the call is a normal gateway call (grant, usage record).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminClient } from '../helpers/admin-client.ts';
import { joinByInvitation } from '../helpers/invite.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startOdock, waitFor } from '../helpers/odock.ts';
import { FAKE_REPLY, startFakeOpenAI } from '../fakes/fake-openai.ts';
import { choose, ensureConsoleBuilt, field, goTo, launchBrowser, login, needChromium, newContext, shot, stepper, watchErrors } from './browser.ts';

const SECRET = 'sk-playground-upstream-5150';

test('console: the Playground chats through the gateway with a granted model, streaming', async (t) => {
  if (!needChromium(t)) return;
  await ensureConsoleBuilt();
  const fake = await startFakeOpenAI({ apiKey: SECRET });
  t.after(() => fake.close());
  const odock = await startOdock({ serveConsole: true });
  t.after(() => odock.close());
  const admin = await AdminClient.login(odock.url);
  const orgId = await admin.defaultOrgId();
  const org = `/api/organisations/${orgId}`;
  const provider = await admin.ok('POST', `${org}/providers`, { type: 'OPENAI' });
  await admin.ok('PATCH', `${org}/providers/${provider.id}`, { baseUrl: fake.url });
  const pkey = await admin.ok('POST', `${org}/providers/${provider.id}/keys`, { name: 'Primary', key: SECRET });
  const model = await admin.ok('POST', `${org}/models`, { name: 'chat-model', slug: 'gpt-4.1-mini', providerId: provider.id, providerApiKeyId: pkey.id, type: 'chat', pricing: {} });
  const key = await admin.ok('POST', `${org}/api-keys`, { type: 'ORGANISATION', name: 'Playground key' });
  await admin.ok('POST', `${org}/api-keys/${key.id}/model-access`, { modelIds: [model.id] });
  await admin.ok('POST', `${org}/api-keys`, { type: 'ORGANISATION', name: 'No models' });
  await joinByInvitation(admin, orgId, { email: 'reader@example.test', role: 'member', password: 'reader-password-1' });

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await (await newContext(browser, odock.url)).newPage();
  const errors = watchErrors(page);
  const step = stepper(t, page);
  await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);

  await step('a key without models says so in the model picker', async () => {
    await goTo(page, 'Playground');
    const settings = page.getByRole('region', { name: 'Playground settings' });
    await choose(page, settings, 'API key', 'No models');
    await settings.getByText('This key is granted no model: add one on its Model Access tab.').waitFor();
  });

  await step('pick a key and a granted model, send, the answer streams in', async () => {
    const settings = page.getByRole('region', { name: 'Playground settings' });
    await choose(page, settings, 'API key', 'Playground key');
    await choose(page, settings, 'Model', 'chat-model');
    const chat = page.getByRole('region', { name: 'Conversation' });
    await field(chat, 'Message').fill('Say hello');
    await chat.getByRole('button', { name: 'Send' }).click();
    const log = chat.getByRole('log', { name: 'Messages' });
    await log.locator('[data-role="user"]').getByText('Say hello').waitFor();
    await log.locator('[data-role="assistant"]').getByText(FAKE_REPLY, { exact: true }).waitFor();
    assert.equal(fake.last().body.stream, true, 'the upstream was asked for a stream');
    assert.equal(fake.last().body.model, 'gpt-4.1-mini');
    assert.equal(fake.last().headers.authorization, `Bearer ${SECRET}`);
    await shot(page, 'playground-01-chat');
  });

  await step('the call is recorded in usage as the key, surface playground', async () => {
    let items: any[] = [];
    await waitFor(async () => {
      items = (await admin.ok('GET', `${org}/usage?apiKeyId=${key.id}`)).items;
      return items.length > 0;
    }, 10_000);
    assert.deepEqual([items[0].surface, items[0].status, items[0].streamed, items[0].modelName], ['playground', 200, true, 'chat-model']);
  });

  await step('a member sees the page read-only', async () => {
    const member = await (await newContext(browser, odock.url)).newPage();
    await login(member, 'reader@example.test', 'reader-password-1');
    await goTo(member, 'Playground');
    await member.getByText('Read-only access').waitFor();
    assert.equal(await member.getByRole('button', { name: 'Send' }).count(), 0);
    await member.close();
  });

  await step('no page error', async () => {
    assert.deepEqual(errors, []);
  });
});
