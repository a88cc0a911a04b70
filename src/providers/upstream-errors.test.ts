import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapUpstreamError } from './upstream-errors.ts';
import { peerName } from './peer-names.ts';
import { sanitizeUpstreamMessage, streamError as wireStreamError } from '../wire/wire-errors.ts';
import type { ProviderType } from './provider-types.ts';

/** In-stream errors name the provider as the wire decoders see it: by its display name. */
const streamError = (type: ProviderType, payload: unknown) => wireStreamError(peerName(type), payload);

const KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';

function clean(text: string) {
  assert.ok(!/https?:\/\//.test(text), text);
  assert.ok(!text.includes(KEY), text);
  assert.ok(!/sk-proj-/.test(text), text);
}

test('OpenAI 401 (quotes a masked key and a URL) → 502 saying the provider key was rejected, without either', () => {
  const body = JSON.stringify({ error: { message: 'Incorrect API key provided: sk-proj-****************************6789. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
  const e = mapUpstreamError('OPENAI', 401, {}, body, KEY);
  assert.equal(e.code, 'upstream_error');
  assert.equal(e.status, 502);
  assert.match(e.message, /OpenAI rejected the provider key/);
  clean(e.message);
});

test('400 keeps the upstream message, scrubbed of URLs, key-shaped strings and the key itself', () => {
  const body = JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: `messages.0: bad input (see https://docs.anthropic.com/x) key ${KEY} AIzaSyA1234567890abcdefghijk` } });
  const e = mapUpstreamError('ANTHROPIC', 400, {}, body, KEY);
  assert.equal(e.code, 'invalid_request');
  assert.match(e.message, /^Anthropic rejected the request: messages\.0: bad input/);
  assert.ok(!e.message.includes('AIza'));
  clean(e.message);
});

test('429 keeps Retry-After: seconds, HTTP date, retry-after-ms, Gemini RetryInfo', () => {
  const a = mapUpstreamError('OPENAI', 429, { 'retry-after': '7' }, '{"error":{"message":"Rate limit reached","type":"requests"}}');
  assert.equal(a.code, 'upstream_rate_limited');
  assert.equal(a.status, 429);
  assert.deepEqual(a.headers, { 'retry-after': '7' });
  assert.equal(a.extra.retry_after, 7);
  const b = mapUpstreamError('ANTHROPIC', 429, { 'retry-after': new Date(Date.now() + 30_000).toUTCString() }, '{}');
  assert.ok(Number(b.headers['retry-after']) >= 29 && Number(b.headers['retry-after']) <= 31);
  const c = mapUpstreamError('AZURE_OPENAI', 429, { 'retry-after-ms': '1500' }, '{}');
  assert.equal(c.headers['retry-after'], '2');
  const g = mapUpstreamError('GOOGLE', 429, {}, JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }] } }));
  assert.equal(g.headers['retry-after'], '37');
  const none = mapUpstreamError('MISTRAL', 429, {}, '{}');
  assert.deepEqual(none.headers, {});
});

test('Gemini answers a bad key with 400 API_KEY_INVALID: still "provider key rejected", not the client\'s fault', () => {
  const body = JSON.stringify({ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }] } });
  const e = mapUpstreamError('GOOGLE', 400, {}, body);
  assert.equal(e.code, 'upstream_error');
  assert.match(e.message, /Google Gemini rejected the provider key/);
});

test('HTML pages, garbage, 404, 408/504, 413, 5xx', () => {
  const html = mapUpstreamError('VLLM', 502, { 'content-type': 'text/html' }, '<html><body>bad gateway at http://10.0.0.5/</body></html>');
  assert.equal(html.code, 'upstream_error');
  assert.match(html.message, /HTML error page/);
  clean(html.message);
  assert.match(mapUpstreamError('OPENAI', 500, {}, '{"id": "x", "cho').message, /unreadable body/);
  assert.equal(mapUpstreamError('AZURE_OPENAI', 404, {}, '{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}').code, 'upstream_error');
  assert.equal(mapUpstreamError('OPENAI', 504, {}, '').code, 'upstream_timeout');
  assert.equal(mapUpstreamError('OPENAI', 408, {}, '').code, 'upstream_timeout');
  assert.equal(mapUpstreamError('ANTHROPIC', 413, {}, '{}').code, 'payload_too_large');
  const over = mapUpstreamError('ANTHROPIC', 529, {}, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}');
  assert.equal(over.code, 'upstream_error');
  assert.match(over.message, /HTTP 529\): Overloaded/);
});

test('pydantic validation errors (Mistral, vLLM) name the offending field', () => {
  const mistral = JSON.stringify({ object: 'error', message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'logprobs'], msg: 'Extra inputs are not permitted' }] }, type: 'invalid_request_message_error' });
  assert.equal(mapUpstreamError('MISTRAL', 422, {}, mistral).message, 'Mistral rejected the request: logprobs: Extra inputs are not permitted');
  const vllm = JSON.stringify({ detail: [{ loc: ['body', 'messages', 0, 'role'], msg: 'Input should be user' }] });
  assert.equal(mapUpstreamError('VLLM', 400, {}, vllm).message, 'an OpenAI-compatible server rejected the request: messages.0.role: Input should be user');
});

test('stream error payloads of each family', () => {
  assert.equal(streamError('ANTHROPIC', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }).message, 'Anthropic reported an error mid-stream: Overloaded');
  assert.equal(streamError('ANTHROPIC', { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }).code, 'upstream_rate_limited');
  assert.equal(streamError('GOOGLE', { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota' } }).code, 'upstream_rate_limited');
  assert.equal(streamError('OPENAI', { error: { message: 'boom', type: 'server_error' } }).code, 'upstream_error');
});

test('sanitizer bounds the length and strips control characters', () => {
  const s = sanitizeUpstreamMessage('a\u0000b\nc ' + 'word '.repeat(200));
  assert.ok(s.length <= 300);
  assert.ok(s.startsWith('a b c word'));
});
