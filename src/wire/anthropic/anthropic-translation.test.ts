import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as providers from '../../gateway/translate.ts';
import { isGatewayError } from '../../errors/index.ts';
import { target, upstreamBody } from '../../gateway/test-targets.ts';

function refused(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e: unknown) => isGatewayError(e) && e.code === 'invalid_request' && pattern.test(e.message));
}

const base = { model: 'm', max_tokens: 100 };

test('Anthropic → others: server tools, unknown blocks and unknown fields are refused by name', () => {
  refused(() => upstreamBody('anthropic-messages', { ...base, messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'OPENAI'), /server tools \(web_search_20250305\)/);
  refused(() => upstreamBody('anthropic-messages', { ...base, messages: [{ role: 'user', content: [{ type: 'search_result', source: 'x' }] }] }, 'OPENAI'), /search_result content blocks/);
  refused(() => upstreamBody('anthropic-messages', { ...base, messages: [{ role: 'user', content: 'x' }], mcp_servers: [] }, 'GOOGLE'), /mcp_servers is not supported/);
  refused(() => upstreamBody('anthropic-messages', { ...base, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }] }, 'OPENAI'), /does not match a tool_use/);
});

test('disable_parallel_tool_use ⇄ parallel_tool_calls; named tool choice', () => {
  const o = upstreamBody('anthropic-messages', { ...base, messages: [{ role: 'user', content: 'x' }], tools: [{ name: 't', input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: 't', disable_parallel_tool_use: true } }, 'OPENAI');
  assert.deepEqual(o.tool_choice, { type: 'function', function: { name: 't' } });
  assert.equal(o.parallel_tool_calls, false);
  const a = upstreamBody('openai-chat', { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 't' } }], parallel_tool_calls: false }, 'ANTHROPIC');
  assert.deepEqual(a.tool_choice, { type: 'auto', disable_parallel_tool_use: true });
  assert.deepEqual(a.tools, [{ name: 't', input_schema: { type: 'object', properties: {} } }]);
  const g = upstreamBody('anthropic-messages', { ...base, messages: [{ role: 'user', content: 'x' }], tools: [{ name: 't', input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: 't' } }, 'GOOGLE');
  assert.deepEqual(g.toolConfig, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['t'] } });
});

test('to Anthropic: temperature above 1 refused; unsigned reasoning from another family left out', () => {
  refused(() => upstreamBody('openai-chat', { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 1.5 }, 'ANTHROPIC'), /temperature above 1/);
  const fromVllm = upstreamBody('openai-chat', {
    model: 'm',
    messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'a', reasoning_content: 'hmm' }, { role: 'user', content: 'y' }],
  }, 'ANTHROPIC');
  assert.deepEqual(fromVllm.messages[1], { role: 'assistant', content: [{ type: 'text', text: 'a' }] });
});

test('images: URL and base64 to Anthropic; unsupported media types refused; PDFs become documents', () => {
  const a = upstreamBody('openai-chat', { model: 'm', messages: [{ role: 'user', content: [
    { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
    { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
  ] }] }, 'ANTHROPIC');
  assert.deepEqual(a.messages[0].content, [
    { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
  ]);
  refused(() => upstreamBody('openai-chat', { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } }] }] }, 'ANTHROPIC'), /images of type image\/tiff/);
  refused(() => upstreamBody('openai-chat', { model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }] }, 'ANTHROPIC'), /file_id/);
});

test('tool results with images stay structured for Anthropic and are refused for OpenAI', () => {
  const body = { ...base, messages: [
    { role: 'user', content: 'x' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'shot', input: {} }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true, content: [{ type: 'text', text: 'img' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] }] },
  ] };
  refused(() => upstreamBody('anthropic-messages', body, 'OPENAI'), /images in tool results/);
  refused(() => upstreamBody('anthropic-messages', body, 'GOOGLE'), /images in tool results/);
  const r = upstreamBody('openai-responses', { model: 'm', input: [
    { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
    { type: 'function_call_output', call_id: 'c1', output: 'ok' },
  ] }, 'ANTHROPIC');
  assert.deepEqual(r.messages, [
    { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'f', input: {} }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', content: 'ok' }] },
  ]);
});

test('Anthropic pass-through forwards anthropic-beta and keeps the body as written', () => {
  const body = { model: 'odock', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], container: 'c1', stream: true };
  const call = providers.buildUpstreamCall('anthropic-messages', body, target('ANTHROPIC', 'claude-x'), { stream: true, requestedModel: 'odock', clientHeaders: { 'anthropic-beta': 'context-1m-2025-08-07' } });
  assert.equal(call.url, 'https://api.anthropic.com/v1/messages');
  assert.equal(call.headers['anthropic-beta'], 'context-1m-2025-08-07');
  assert.deepEqual(JSON.parse(call.body), { ...body, model: 'claude-x' });
  const v1 = providers.buildUpstreamCall('anthropic-messages', body, { ...target('ANTHROPIC'), baseUrl: 'https://proxy.example.com/anthropic/v1/' }, { stream: true, requestedModel: 'odock' });
  assert.equal(v1.url, 'https://proxy.example.com/anthropic/v1/messages');
});

test('Anthropic answers: usage counts cache reads and writes as input; refusal and max_tokens stop reasons', () => {
  const msg = (stop: string) => ({ id: 'msg_1', type: 'message', role: 'assistant', model: 'c', content: [{ type: 'text', text: 'x' }], stop_reason: stop, stop_sequence: null, usage: { input_tokens: 10, cache_creation_input_tokens: 5, cache_read_input_tokens: 20, output_tokens: 3 } });
  const r = providers.translateResponse('openai-chat', 'ANTHROPIC', msg('max_tokens'), { requestedModel: 'o' });
  assert.deepEqual(r.usage, { inputTokens: 35, outputTokens: 3, cachedTokens: 20, reasoningTokens: 0 });
  assert.equal((r.body as any).choices[0].finish_reason, 'length');
  assert.equal((providers.translateResponse('openai-chat', 'ANTHROPIC', msg('refusal'), { requestedModel: 'o' }).body as any).choices[0].finish_reason, 'content_filter');
  const g = providers.translateResponse('gemini-generate', 'ANTHROPIC', msg('stop_sequence'), { requestedModel: 'o' }).body as any;
  assert.equal(g.candidates[0].finishReason, 'STOP');
});

test('an upstream tool call whose arguments are not JSON is the upstream\'s fault (502), not the client\'s', () => {
  const bad = { id: 'c', object: 'chat.completion', created: 1, model: 'g', choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":' } }] }, finish_reason: 'tool_calls' }] };
  assert.throws(() => providers.translateResponse('anthropic-messages', 'OPENAI', bad, { requestedModel: 'o' }), (e: unknown) => isGatewayError(e) && e.code === 'upstream_error');
});
