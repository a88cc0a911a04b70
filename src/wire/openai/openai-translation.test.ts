import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as providers from '../../gateway/translate.ts';
import { isGatewayError } from '../../errors/index.ts';
import { target, upstreamBody } from '../../gateway/test-targets.ts';
import { effortFromBudget, mistralToolId } from './chat-request-encode.ts';

const user = (content: unknown) => ({ model: 'm', messages: [{ role: 'user', content }] });

function refused(fn: () => unknown, pattern: RegExp, param?: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isGatewayError(e), String(e));
    assert.equal(e.code, 'invalid_request');
    assert.match(e.message, pattern);
    if (param) assert.equal(e.extra.param, param);
    return true;
  });
}

test('OpenAI chat → another family: features with no equivalent are refused by name', () => {
  refused(() => upstreamBody('openai-chat', { ...user('x'), logit_bias: { 50256: -100 } }, 'ANTHROPIC'), /logit_bias is not supported when the model is served by Anthropic/, 'logit_bias');
  refused(() => upstreamBody('openai-chat', { ...user('x'), n: 2 }, 'GOOGLE'), /n greater than 1/, 'n');
  refused(() => upstreamBody('openai-chat', { ...user('x'), logprobs: true }, 'GOOGLE'), /logprobs/);
  refused(() => upstreamBody('openai-chat', user([{ type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }]), 'ANTHROPIC'), /audio input/);
  refused(() => upstreamBody('openai-chat', { ...user('x'), seed: 1 }, 'ANTHROPIC'), /seed/);
  refused(() => upstreamBody('openai-chat', { ...user('x'), frequency_penalty: 0.5 }, 'ANTHROPIC'), /frequency_penalty/);
  refused(() => upstreamBody('openai-chat', { ...user('x'), tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'ANTHROPIC'), /tools of type custom/);
  refused(() => upstreamBody('openai-chat', { ...user('x'), response_format: { type: 'json_object' } }, 'ANTHROPIC'), /JSON mode without a schema/);
  refused(() => upstreamBody('openai-chat', { model: 'm', messages: [{ role: 'tool', tool_call_id: 'nope', content: 'r' }] }, 'ANTHROPIC'), /does not match a tool call/);
});

test('OpenAI chat → another family: malformed bodies are 400s naming the field, never TypeErrors', () => {
  refused(() => upstreamBody('openai-chat', { model: 'm' }, 'ANTHROPIC'), /messages must be a non-empty array/);
  refused(() => upstreamBody('openai-chat', { model: 'm', messages: [{ role: 'user', content: 5 }] }, 'ANTHROPIC'), /messages\[0\]\.content/);
  refused(() => upstreamBody('openai-chat', { ...user('x'), temperature: 'hot' }, 'GOOGLE'), /temperature must be a number/);
  refused(() => upstreamBody('openai-chat', { model: 'm', messages: [null] }, 'GOOGLE'), /messages\[0\] must be an object/);
});

test('a system message in the middle of a conversation cannot be placed on Anthropic or Gemini', () => {
  const body = { model: 'm', messages: [{ role: 'user', content: 'a' }, { role: 'system', content: 'late' }, { role: 'user', content: 'b' }] };
  refused(() => upstreamBody('openai-chat', body, 'ANTHROPIC'), /system messages after the conversation has started/);
  refused(() => upstreamBody('openai-chat', body, 'GOOGLE'), /system messages after the conversation has started/);
});

test('reasoning effort ⇄ thinking budgets', () => {
  const a = upstreamBody('openai-chat', { ...user('x'), reasoning_effort: 'high' }, 'ANTHROPIC');
  assert.deepEqual(a.thinking, { type: 'enabled', budget_tokens: 16384 });
  assert.equal(a.max_tokens, 16384 + 4096, 'the default max_tokens grows to fit the budget');
  const g = upstreamBody('openai-chat', { ...user('x'), reasoning_effort: 'low' }, 'GOOGLE');
  assert.deepEqual(g.generationConfig.thinkingConfig, { thinkingBudget: 2048 });
  const off = upstreamBody('openai-chat', { ...user('x'), reasoning_effort: 'none' }, 'GOOGLE');
  assert.deepEqual(off.generationConfig.thinkingConfig, { thinkingBudget: 0 });
  const back = upstreamBody('anthropic-messages', { model: 'm', max_tokens: 10, thinking: { type: 'enabled', budget_tokens: 3000 }, messages: [{ role: 'user', content: 'x' }] }, 'OPENAI');
  assert.equal(back.reasoning_effort, 'medium');
  assert.equal(effortFromBudget(1024), 'low');
  assert.equal(effortFromBudget(50_000), 'high');
  refused(() => upstreamBody('anthropic-messages', { model: 'm', max_tokens: 10, thinking: { type: 'enabled', budget_tokens: 3000 }, messages: [{ role: 'user', content: 'x' }] }, 'MISTRAL'), /reasoning/);
});

test('OpenAI-compatible dialects: OpenAI max_completion_tokens, Mistral random_seed and no stream_options, vLLM top_k', () => {
  const anth = { model: 'm', max_tokens: 50, top_k: 5, messages: [{ role: 'user', content: 'x' }], stream: true };
  refused(() => upstreamBody('anthropic-messages', anth, 'OPENAI', { stream: true }), /top_k/);
  const vllm = upstreamBody('anthropic-messages', anth, 'VLLM', { stream: true });
  assert.equal(vllm.top_k, 5);
  assert.equal(vllm.max_tokens, 50);
  assert.deepEqual(vllm.stream_options, { include_usage: true });
  const gem = { contents: [{ parts: [{ text: 'x' }] }], generationConfig: { seed: 3, maxOutputTokens: 9 } };
  const m = upstreamBody('gemini-generate', gem, 'MISTRAL', { stream: true });
  assert.equal(m.random_seed, 3);
  assert.equal(m.stream_options, undefined);
  const o = upstreamBody('gemini-generate', gem, 'OPENAI');
  assert.equal(o.max_completion_tokens, 9);
  assert.equal(o.seed, 3);
  const off = upstreamBody('gemini-generate', gem, 'VLLM', { stream: true, config: { streamUsage: false } });
  assert.equal(off.stream_options, undefined, 'provider config can turn include_usage off for servers that refuse it');
});

test('same-family fast path: only the model changes; streams ask for usage; Mistral gets its dialect', () => {
  const body = { model: 'odock-name', messages: [{ role: 'developer', content: 'd' }, { role: 'user', content: 'x' }], stream: true, stream_options: { include_obfuscation: false }, user: 'u1', seed: 4, max_completion_tokens: 9 };
  const o = upstreamBody('openai-chat', body, 'OPENAI', { stream: true, slug: 'gpt-4.1' });
  assert.deepEqual(o, { ...body, model: 'gpt-4.1', stream_options: { include_obfuscation: false, include_usage: true } });
  const m = upstreamBody('openai-chat', body, 'MISTRAL', { stream: true, slug: 'mistral-small' });
  assert.deepEqual(m, { model: 'mistral-small', messages: [{ role: 'system', content: 'd' }, { role: 'user', content: 'x' }], stream: true, random_seed: 4, max_tokens: 9 });
  assert.equal(body.model, 'odock-name', 'the client body object is not mutated');
});

test('Azure: deployment URL with api-version, api-key header; deployments map; v1 API', () => {
  const t = target('AZURE_OPENAI', 'gpt-4o', { apiVersion: '2025-01-01-preview', deployments: { 'gpt-4o': 'prod-4o' } });
  const call = providers.buildUpstreamCall('openai-chat', user('x'), t, { stream: false, requestedModel: 'x' });
  assert.equal(call.url, 'https://res.openai.azure.com/openai/deployments/prod-4o/chat/completions?api-version=2025-01-01-preview');
  assert.equal(call.headers['api-key'], t.apiKey);
  assert.equal(call.headers.authorization, undefined);
  const v1 = providers.buildUpstreamCall('openai-embeddings', { model: 'e', input: 'x' }, { ...t, baseUrl: 'https://res.openai.azure.com/openai/v1/' }, { stream: false, requestedModel: 'x' });
  assert.equal(v1.url, 'https://res.openai.azure.com/openai/v1/embeddings');
  const dflt = providers.buildUpstreamCall('openai-chat', user('x'), target('AZURE_OPENAI', 'a/b'), { stream: false, requestedModel: 'x' });
  assert.equal(dflt.url, 'https://res.openai.azure.com/openai/deployments/a%2Fb/chat/completions?api-version=2024-10-21');
});

test('a keyless local vLLM gets no Authorization header', () => {
  const call = providers.buildUpstreamCall('openai-chat', user('x'), { ...target('VLLM'), apiKey: '' }, { stream: false, requestedModel: 'x' });
  assert.equal(call.headers.authorization, undefined);
});

test('Mistral tool ids: 9 alphanumerics, stable, valid ones kept', () => {
  assert.equal(mistralToolId('abcDEF123'), 'abcDEF123');
  assert.match(mistralToolId('toolu_01A09q90qw90lq917835lq9'), /^[a-zA-Z0-9]{9}$/);
  assert.equal(mistralToolId('call_x'), mistralToolId('call_x'));
});

test('Responses API: stateless — server-side state is refused, reasoning items skipped, hosted tools refused', () => {
  refused(() => upstreamBody('openai-responses', { model: 'm', input: 'x', previous_response_id: 'resp_1' }, 'OPENAI'), /previous_response_id/);
  refused(() => upstreamBody('openai-responses', { model: 'm', input: 'x', tools: [{ type: 'web_search' }] }, 'OPENAI'), /hosted tools \(web_search\)/);
  const b = upstreamBody('openai-responses', { model: 'm', input: [{ type: 'reasoning', id: 'rs_1', summary: [] }, { role: 'user', content: 'x' }], text: { format: { type: 'json_object' } }, reasoning: { effort: 'low' } }, 'OPENAI');
  assert.deepEqual(b.messages, [{ role: 'user', content: 'x' }]);
  assert.deepEqual(b.response_format, { type: 'json_object' });
  assert.equal(b.reasoning_effort, 'low');
});

test('embeddings: Gemini batchEmbedContents with outputDimensionality; token arrays refused; Anthropic has none', () => {
  const g = upstreamBody('openai-embeddings', { model: 'e', input: ['a', 'b'], dimensions: 64 }, 'GOOGLE', { slug: 'text-embedding-004' });
  assert.deepEqual(g, { requests: [
    { model: 'models/text-embedding-004', content: { parts: [{ text: 'a' }] }, outputDimensionality: 64 },
    { model: 'models/text-embedding-004', content: { parts: [{ text: 'b' }] }, outputDimensionality: 64 },
  ] });
  refused(() => upstreamBody('openai-embeddings', { model: 'e', input: [[1, 2, 3]] }, 'GOOGLE'), /token-array/);
  refused(() => upstreamBody('openai-embeddings', { model: 'e', input: 'x' }, 'ANTHROPIC'), /embeddings endpoint/);
});

test('OpenAI-compatible stream quirks: Azure prompt-filter chunk first, tool calls without index', () => {
  const c = (o: object) => `data: ${JSON.stringify(o)}\n\n`;
  const text = c({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] })
    + c({ id: 'chatcmpl-az', object: 'chat.completion.chunk', created: 5, model: 'gpt-4o', choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [
      { id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } },
      { id: 'b', type: 'function', function: { name: 'g', arguments: '{"x":1}' } },
    ] }, finish_reason: null }] })
    + c({ id: 'chatcmpl-az', object: 'chat.completion.chunk', created: 5, model: 'gpt-4o', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] })
    + 'data: [DONE]\n\n';
  const tx = providers.createStreamTranslator('anthropic-messages', 'AZURE_OPENAI', { requestedModel: 'o' });
  const out = tx.push(Buffer.from(text)) + tx.end();
  assert.match(out, /"id":"msg_chatcmpl-az"/);
  assert.match(out, /"content_block":\{"type":"tool_use","id":"a","name":"f"/);
  assert.match(out, /"content_block":\{"type":"tool_use","id":"b","name":"g"/);
  assert.match(out, /"partial_json":"\{\\"x\\":1\}"/);
});
