import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as providers from '../gateway/translate.ts';
import { isGatewayError } from '../errors/index.ts';

const chunk = (delta: object, finish: string | null = null) =>
  `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"g","choices":[{"index":0,"delta":${JSON.stringify(delta)},"finish_reason":${finish ? `"${finish}"` : 'null'}}]}\n\n`;
const USAGE = 'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"g","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":1}}}\n\n';
const OPENAI = chunk({ role: 'assistant', content: '' }) + ': keep-alive\n\n' + chunk({ content: 'Hi' }) + chunk({}, 'stop') + USAGE + 'data: [DONE]\n\n';

function feed(surface: Parameters<typeof providers.createStreamTranslator>[0], type: Parameters<typeof providers.createStreamTranslator>[1], text: string, opts = {}) {
  const tx = providers.createStreamTranslator(surface, type, { requestedModel: 'o', ...opts });
  const out: string[] = [];
  let error: unknown;
  const startedAt: boolean[] = [];
  try {
    for (const b of Buffer.from(text)) {
      out.push(tx.push(Buffer.from([b])));
      startedAt.push(tx.started);
    }
    out.push(tx.end());
  } catch (e) {
    error = e;
    out.push(tx.fail(isGatewayError(e) ? e.code : 'upstream_error', 'x'));
  }
  return { out: out.join(''), usage: tx.usage(), error, started: tx.started };
}

test('OpenAI pass-through forwards the bytes as they came, reading usage on the way', () => {
  const r = feed('openai-chat', 'OPENAI', OPENAI);
  assert.equal(r.out, OPENAI);
  assert.deepEqual(r.usage, { inputTokens: 9, outputTokens: 2, cachedTokens: 4, reasoningTokens: 1 });
  assert.ok(r.started);
});

test('when the client did not ask for include_usage, the usage-only chunk is withheld and nothing else changes', () => {
  const r = feed('openai-chat', 'OPENAI', OPENAI.replace(/\n\n/g, '\r\n\r\n'), { includeUsage: false });
  assert.equal(r.out, OPENAI.replace(USAGE, ''));
  assert.equal(r.usage.inputTokens, 9, 'still recorded');
});

test('an upstream error event reaches the client once, in its own format, and the route still learns of it', () => {
  const err = 'data: {"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}\n\n';
  const r = feed('openai-chat', 'AZURE_OPENAI', chunk({ content: 'Hi' }) + err);
  assert.equal(r.out, chunk({ content: 'Hi' }) + err);
  assert.ok(isGatewayError(r.error) && r.error.code === 'upstream_error' && /overloaded/.test(r.error.message));
});

test('end without [DONE]: fine after a finish_reason, an error before it', () => {
  assert.equal(feed('openai-chat', 'VLLM', chunk({ content: 'Hi' }) + chunk({}, 'stop')).error, undefined);
  const cut = feed('openai-chat', 'VLLM', chunk({ content: 'Hi' }));
  assert.ok(isGatewayError(cut.error) && cut.error.code === 'upstream_error');
  assert.ok(cut.out.endsWith('data: {"error":{"code":"upstream_error","message":"x","type":"api_error","param":null}}\n\n'));
});

test('Anthropic pass-through: usage from message_start and the cumulative message_delta', () => {
  const ev = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
  const text = ev('message_start', { message: { id: 'm', usage: { input_tokens: 5, cache_read_input_tokens: 7, output_tokens: 1 } } })
    + ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
    + ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'é' } })
    + ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } })
    + ev('message_stop', {});
  const r = feed('anthropic-messages', 'ANTHROPIC', text);
  assert.equal(r.out, text);
  assert.deepEqual(r.usage, { inputTokens: 12, outputTokens: 9, cachedTokens: 7, reasoningTokens: 0 });
  const cut = feed('anthropic-messages', 'ANTHROPIC', text.slice(0, text.indexOf('event: message_stop')));
  assert.ok(isGatewayError(cut.error));
});

test('Gemini pass-through: SSE unchanged, or reframed as the JSON array when the client asked for it', () => {
  const c1 = '{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":3,"totalTokenCount":3}}';
  const c2 = '{"candidates":[{"content":{"parts":[{"text":"!"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":2,"totalTokenCount":5}}';
  const sse = `data: ${c1}\r\n\r\ndata: ${c2}\r\n\r\n`;
  const s = feed('gemini-generate', 'GOOGLE', sse);
  assert.equal(s.out, sse);
  assert.deepEqual(s.usage, { inputTokens: 3, outputTokens: 2, cachedTokens: 0, reasoningTokens: 0 });
  const a = feed('gemini-generate', 'GOOGLE', sse, { jsonArray: true });
  assert.equal(a.out, `[${c1},\r\n${c2}]`);
  assert.deepEqual(JSON.parse(a.out).length, 2);
  const cut = feed('gemini-generate', 'GOOGLE', `data: ${c1}\r\n\r\n`, { jsonArray: true });
  assert.ok(isGatewayError(cut.error));
  const arr = JSON.parse(cut.out);
  assert.equal(arr[1].error.code, 502);
  const empty = feed('gemini-generate', 'GOOGLE', '', { jsonArray: true });
  assert.equal(JSON.parse(empty.out)[0].error.status, 'UNAVAILABLE');
});
