import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { postChat } from '../helpers/chat.ts';

/**
 * A key learns nothing about other organisations: asking for a model name that exists only in
 * another organisation gets exactly the answer an unknown name gets.
 */
describe('model names of other organisations are not disclosed', () => {
  let o: TestOdock;
  let a: SetupResult;
  let b: SetupResult;
  before(async () => {
    o = await startOdock();
    a = await setupKey(o, { models: { 'gpt-4.1-mini': { slug: 'gpt-4.1-mini' }, 'secret-model-of-a': { slug: 'gpt-4.1' } } });
    const orgB = await a.client.ok('POST', '/api/organisations', { name: `org-b-${randomUUID().slice(0, 8)}` });
    b = await setupKey(o, { client: a.client, orgId: orgB.id });
  });
  after(async () => o?.close());

  const answer = async (key: string, model: string, path = '/v1/chat/completions') => {
    const res = path === '/v1/chat/completions'
      ? await postChat(o.url, key, { model })
      : await fetch(`${o.url}${path}`, {
        method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
      });
    const body = (await res.json()) as { error: { code?: string; type?: string; message: string } };
    // The message names the model asked for; everything else must be identical.
    return { status: res.status, code: body.error.code ?? body.error.type, message: body.error.message.replaceAll(model, '<model>') };
  };

  it('a name that exists only in another organisation answers like a name that exists nowhere', async () => {
    for (const path of ['/v1/chat/completions', '/v1/messages']) {
      const elsewhere = await answer(b.secret, 'secret-model-of-a', path);
      const nowhere = await answer(b.secret, `no-such-model-${randomUUID().slice(0, 8)}`, path);
      assert.deepEqual(elsewhere, nowhere, path);
      assert.equal(nowhere.status, 400, path);
    }
    assert.equal((await answer(b.secret, 'secret-model-of-a')).code, 'model_not_found');
  });

  it('within its own organisation a key is still told a model is not granted', async () => {
    await a.client.ok('POST', `/api/organisations/${a.orgId}/models`, { name: 'a-ungranted', slug: 'gpt-4.1', providerId: a.providerId, providerApiKeyId: a.providerKeyId });
    const r = await answer(a.secret, 'a-ungranted');
    assert.equal(r.status, 403);
    assert.equal(r.code, 'model_not_allowed');
  });
});
