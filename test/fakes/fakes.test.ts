// The fakes are only useful if the official SDKs accept them as the real thing: each is driven
// here directly by its provider's SDK (no gateway in between), plus the fault behaviours.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { FAKE_REPLY, FAKE_USAGE, startFakeOpenAI, type FakeOpenAI } from './fake-openai.ts';
import { FAKE_ANTHROPIC_USAGE, startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.ts';
import { startFakeGemini, type FakeGemini } from './fake-gemini.ts';

const KEY = 'sk-fake-key-1234';
const TOOL = { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

describe('fake OpenAI', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  before(async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    client = new OpenAI({ baseURL: fake.url, apiKey: KEY, maxRetries: 0 });
  });
  after(() => fake.close());

  it('answers chat completions and records the request', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(r.choices[0].message.content, FAKE_REPLY);
    assert.deepEqual(r.usage, FAKE_USAGE);
    assert.equal(fake.last().pathname, '/v1/chat/completions');
    assert.equal(fake.last().headers.authorization, `Bearer ${KEY}`);
  });

  it('streams tool calls the SDK reassembles, with the usage chunk when asked', async () => {
    fake.next({ kind: 'tools' });
    const stream = client.chat.completions.stream({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }], tools: [TOOL], stream_options: { include_usage: true } });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0].message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.equal(call.function.name, 'lookup');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris', unit: 'celsius' });
    assert.equal(final.choices[0].finish_reason, 'tool_calls');
    assert.equal(final.usage?.prompt_tokens, 11);
  });

  it('model slug conventions: -fail-503 and -tools', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'm-fail-503', messages: [{ role: 'user', content: 'x' }] }), (e: any) => e.status === 503);
    const r = await client.chat.completions.create({ model: 'm-tools', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(r.choices[0].message.tool_calls?.length, 1);
  });

  it('rejects a wrong key in OpenAI\'s own format, and Azure paths want api-key and api-version', async () => {
    const bad = new OpenAI({ baseURL: fake.url, apiKey: 'sk-wrong', maxRetries: 0 });
    await assert.rejects(bad.chat.completions.create({ model: 'x', messages: [] }), (e: any) => e.status === 401 && e.code === 'invalid_api_key');
    const az = await fetch(`${fake.origin}/openai/deployments/dep1/chat/completions?api-version=2024-10-21`, { method: 'POST', headers: { 'api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }) });
    assert.equal(az.status, 200);
    assert.equal((await az.json()).model, 'dep1');
    const noKey = await fetch(`${fake.origin}/openai/deployments/dep1/chat/completions?api-version=2024-10-21`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: '{}' });
    assert.equal(noKey.status, 401);
  });

  it('split, CRLF and keep-alive streams still parse in the SDK; hang-up breaks the stream', async () => {
    fake.next({ kind: 'split', bytes: 3, crlf: true, keepalive: true });
    let text = '';
    for await (const c of await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'x' }], stream: true })) text += c.choices[0]?.delta?.content ?? '';
    assert.equal(text, FAKE_REPLY);
    fake.next({ kind: 'hangup', afterChunks: 2 });
    await assert.rejects(async () => {
      for await (const _ of await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'x' }], stream: true })) void _;
    });
  });

  it('stall-stream goes silent after N events; stream-error sends OpenAI\'s in-stream error', async () => {
    fake.next({ kind: 'stall-stream', afterChunks: 2 });
    const ac = new AbortController();
    const res = await fetch(`${fake.url}/chat/completions`, { method: 'POST', signal: ac.signal, headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ model: 'x', messages: [], stream: true }) });
    const reader = res.body!.getReader();
    let got = '';
    while (got.split('\n\n').length < 3) got += new TextDecoder().decode((await reader.read()).value);
    const pending = await Promise.race([reader.read().then(() => 'data'), new Promise((r) => setTimeout(() => r('silent'), 150))]);
    assert.equal(pending, 'silent');
    ac.abort();
    await reader.cancel().catch(() => {});
    fake.next({ kind: 'stream-error', afterChunks: 1 });
    await assert.rejects(async () => {
      for await (const _ of await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'x' }], stream: true })) void _;
    }, /server had an error/);
  });

  it('mistral flavour refuses unknown fields with 422 and puts usage on the finish chunk', async () => {
    const m = await startFakeOpenAI({ apiKey: KEY, flavour: 'mistral' });
    try {
      const res = await fetch(`${m.url}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ model: 'mistral-small', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } }) });
      assert.equal(res.status, 422);
      const s = await (await fetch(`${m.url}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ model: 'mistral-small', messages: [{ role: 'user', content: 'x' }], stream: true }) })).text();
      const finish = s.split('\n\n').find((e) => e.includes('"finish_reason":"stop"'));
      assert.match(finish ?? '', /"usage":\{"prompt_tokens":11/);
    } finally {
      await m.close();
    }
  });
});

describe('fake Anthropic', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;
  before(async () => {
    fake = await startFakeAnthropic({ apiKey: KEY });
    client = new Anthropic({ baseURL: fake.url, apiKey: KEY, maxRetries: 0 });
  });
  after(() => fake.close());

  it('answers messages with usage, with the headers the real API wants', async () => {
    const m = await client.messages.create({ model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    assert.deepEqual(m.content, [{ type: 'text', text: FAKE_REPLY }]);
    assert.equal(m.usage.cache_read_input_tokens, FAKE_ANTHROPIC_USAGE.cache_read_input_tokens);
    assert.equal(fake.last().headers.authorization, `Bearer ${KEY}`);
    assert.ok(fake.last().headers['anthropic-version']);
  });

  it('streams text and tool_use blocks the SDK accumulates', async () => {
    fake.next({ kind: 'reply', text: 'Let me check.', toolCalls: [{ name: 'lookup', arguments: { city: 'Oslo' } }] });
    const final = await client.messages.stream({ model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    assert.equal(final.content[0].type === 'text' && final.content[0].text, 'Let me check.');
    assert.deepEqual(final.content[1].type === 'tool_use' && final.content[1].input, { city: 'Oslo' });
    assert.equal(final.stop_reason, 'tool_use');
    assert.equal(final.usage.output_tokens, 6);
  });

  it('401 authentication_error for a wrong key; 400 without max_tokens; mid-stream error event', async () => {
    const bad = new Anthropic({ baseURL: fake.url, apiKey: 'nope', maxRetries: 0 });
    await assert.rejects(bad.messages.create({ model: 'c', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }), (e: any) => e.status === 401 && e.error?.error?.type === 'authentication_error');
    const res = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ model: 'c', messages: [{ role: 'user', content: 'x' }] }) });
    assert.equal(res.status, 400);
    fake.next({ kind: 'stream-error', afterChunks: 3 });
    await assert.rejects(client.messages.stream({ model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).finalMessage(), /Overloaded/);
  });
});

describe('fake Gemini', () => {
  let fake: FakeGemini;
  let ai: GoogleGenAI;
  before(async () => {
    fake = await startFakeGemini({ apiKey: KEY });
    ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: fake.url } });
  });
  after(() => fake.close());

  it('generateContent with usage and the key in x-goog-api-key', async () => {
    const r = await ai.models.generateContent({ model: 'gemini-x', contents: 'hi' });
    assert.equal(r.text, FAKE_REPLY);
    assert.equal(r.usageMetadata?.thoughtsTokenCount, 2);
    assert.equal(fake.last().pathname, '/v1beta/models/gemini-x:generateContent');
    assert.equal(fake.last().headers['x-goog-api-key'], KEY);
  });

  it('streamGenerateContent over SSE, text then a function call', async () => {
    fake.next({ kind: 'reply', text: 'One two three', toolCalls: [{ name: 'lookup', arguments: { city: 'Rome' } }] });
    let text = '';
    const calls: unknown[] = [];
    for await (const c of await ai.models.generateContentStream({ model: 'gemini-x', contents: 'hi' })) {
      text += c.text ?? '';
      calls.push(...(c.functionCalls ?? []));
    }
    assert.equal(text, 'One two three');
    assert.deepEqual(calls, [{ name: 'lookup', args: { city: 'Rome' } }]);
    assert.equal(fake.last().query.alt, 'sse');
  });

  it('a wrong key is 400 API_KEY_INVALID, a missing one 403; JSON-array stream without alt=sse', async () => {
    const bad = new GoogleGenAI({ apiKey: 'wrong', httpOptions: { baseUrl: fake.url } });
    await assert.rejects(bad.models.generateContent({ model: 'g', contents: 'x' }), (e: any) => e.status === 400 && /API key not valid/.test(e.message));
    const none = await fetch(`${fake.url}/v1beta/models/g:generateContent`, { method: 'POST', body: JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] }) });
    assert.equal(none.status, 403);
    const arr = await fetch(`${fake.url}/v1beta/models/g:streamGenerateContent?key=${KEY}`, { method: 'POST', body: JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] }) });
    const chunks = JSON.parse(await arr.text());
    assert.equal(chunks.map((c: any) => c.candidates[0].content.parts[0].text).join(''), FAKE_REPLY);
  });
});
