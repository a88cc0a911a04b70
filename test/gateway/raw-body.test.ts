import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';

const PROVIDER_KEY = 'sk-upstream-raw-body';

// A body the gateway forwards unchanged goes upstream as the client's own bytes (no second
// serialisation); any change, and any duplicate key, makes it serialise the body it checked.
describe('the request body sent upstream', () => {
  let o: TestOdock;
  let fake: FakeOpenAI;
  let s: SetupResult;

  before(async () => {
    o = await startOdock();
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
    s = await setupKey(o, {
      baseUrl: fake.url, providerKey: PROVIDER_KEY,
      models: { 'gpt-4.1-mini': { slug: 'gpt-4.1-mini' }, 'house-model': { slug: 'gpt-4.1-mini' } },
    });
  });
  after(async () => {
    await o?.close();
    await fake?.close();
  });

  const send = async (text: string) => {
    const r = await fetch(`${o.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json' }, body: text });
    await r.text();
    return r.status;
  };

  it('unchanged (same model name as the upstream slug): the exact bytes the client sent', async () => {
    const text = '{ "messages" : [ {"role":"user","content":"caf\\u00e9 \\"quoted\\""} ],\n  "model":"gpt-4.1-mini", "temperature": 0.50 }';
    assert.equal(await send(text), 200);
    assert.equal(fake.last().text, text);
  });

  it('a model name mapped to another slug: serialised with the slug', async () => {
    const text = '{"model": "house-model", "messages": [{"role": "user", "content": "hi"}]}';
    assert.equal(await send(text), 200);
    assert.notEqual(fake.last().text, text);
    assert.equal(fake.last().body.model, 'gpt-4.1-mini');
  });

  it('a duplicate key at the top level: the upstream gets the one value the gateway checked', async () => {
    const text = '{"model":"gpt-4.1-mini","max_tokens":100000,"messages":[{"role":"user","content":"hi"}],"max_tokens":10}';
    assert.equal(await send(text), 200);
    const got = fake.last().text;
    assert.equal(got.split('"max_tokens"').length - 1, 1, got);
    assert.equal(fake.last().body.max_tokens, 10);
  });

  it('a duplicate key deep inside: serialised too', async () => {
    const text = '{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"first","content":"second"}]}';
    assert.equal(await send(text), 200);
    const got = fake.last().text;
    assert.equal(got.split('"content"').length - 1, 1, got);
    assert.equal(fake.last().body.messages[0].content, 'second');
  });
});
