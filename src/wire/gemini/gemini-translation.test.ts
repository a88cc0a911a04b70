import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as providers from '../../gateway/translate.ts';
import { singleToolCall } from '../../gateway/translate.ts';
import { isGatewayError } from '../../errors/index.ts';
import { target, upstreamBody } from '../../gateway/test-targets.ts';
import { openApiToJsonSchema } from './gemini-fields.ts';
import { SKIP_SIGNATURE } from './tool-call-ids.ts';

function refused(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e: unknown) => isGatewayError(e) && e.code === 'invalid_request' && pattern.test(e.message));
}

const contents = (...c: unknown[]) => ({ contents: c });

test('Gemini → others: function calls get ids, responses are matched by name in order', () => {
  const body = contents(
    { role: 'user', parts: [{ text: 'weather in a and b' }] },
    { role: 'model', parts: [{ functionCall: { name: 'w', args: { c: 'a' } } }, { functionCall: { name: 'w', args: { c: 'b' } } }] },
    { role: 'user', parts: [{ functionResponse: { name: 'w', response: { temp: 1 } } }, { functionResponse: { name: 'w', response: { temp: 2 } } }] },
  );
  const o = upstreamBody('gemini-generate', body, 'OPENAI');
  assert.deepEqual(o.messages.slice(1), [
    { role: 'assistant', content: null, tool_calls: [
      { id: 'call_1_0', type: 'function', function: { name: 'w', arguments: '{"c":"a"}' } },
      { id: 'call_1_1', type: 'function', function: { name: 'w', arguments: '{"c":"b"}' } },
    ] },
    { role: 'tool', tool_call_id: 'call_1_0', content: '{"temp":1}' },
    { role: 'tool', tool_call_id: 'call_1_1', content: '{"temp":2}' },
  ]);
  refused(() => upstreamBody('gemini-generate', contents({ role: 'user', parts: [{ functionResponse: { name: 'w', response: {} } }] }), 'OPENAI'), /does not answer a functionCall/);
});

test('Gemini-only features are refused by name', () => {
  refused(() => upstreamBody('gemini-generate', { ...contents({ parts: [{ text: 'x' }] }), tools: [{ googleSearch: {} }] }, 'OPENAI'), /the Gemini googleSearch tool/);
  refused(() => upstreamBody('gemini-generate', { ...contents({ parts: [{ text: 'x' }] }), generationConfig: { candidateCount: 2 } }, 'ANTHROPIC'), /candidateCount/);
  refused(() => upstreamBody('gemini-generate', { ...contents({ parts: [{ text: 'x' }] }), cachedContent: 'cachedContents/1' }, 'ANTHROPIC'), /cachedContent/);
  refused(() => upstreamBody('gemini-generate', { ...contents({ parts: [{ text: 'x' }] }), generationConfig: { responseMimeType: 'text/x.enum' } }, 'OPENAI'), /responseMimeType/);
  refused(() => upstreamBody('gemini-generate', contents({ parts: [{ executableCode: { code: '1' } }] }), 'OPENAI'), /executableCode parts/);
  refused(() => upstreamBody('gemini-generate', { ...contents({ parts: [{ text: 'x' }] }), toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['a', 'b'] } } }, 'OPENAI'), /several functions/);
});

test('OpenAPI-subset schemas (responseSchema, parameters) become JSON Schema for other families', () => {
  assert.deepEqual(openApiToJsonSchema({ type: 'OBJECT', propertyOrdering: ['a'], properties: { a: { type: 'STRING', nullable: true }, b: { type: 'ARRAY', items: { type: 'INTEGER' } } } }), {
    type: 'object', properties: { a: { type: ['string', 'null'] }, b: { type: 'array', items: { type: 'integer' } } },
  });
  const o = upstreamBody('gemini-generate', { ...contents({ parts: [{ text: 'x' }] }), generationConfig: { response_mime_type: 'application/json', response_schema: { type: 'OBJECT', properties: { a: { type: 'STRING' } } } } }, 'OPENAI');
  assert.deepEqual(o.response_format, { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object', properties: { a: { type: 'string' } } } } });
});

test('thought signatures survive a round trip through another surface (Gemini 3 requires them)', () => {
  const gemini = {
    candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'w', args: { c: 'a' } }, thoughtSignature: 'c2lnbmF0dXJlKysvLw==' }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 },
    modelVersion: 'gemini-3-pro', responseId: 'r1',
  };
  const chat = providers.translateResponse('openai-chat', 'GOOGLE', gemini, { requestedModel: 'o' }).body as any;
  const call = chat.choices[0].message.tool_calls[0];
  assert.equal(chat.choices[0].finish_reason, 'tool_calls');
  const next = upstreamBody('openai-chat', { model: 'o', messages: [
    { role: 'user', content: 'x' },
    { role: 'assistant', content: null, tool_calls: [call] },
    { role: 'tool', tool_call_id: call.id, content: 'sunny' },
  ] }, 'GOOGLE', { slug: 'gemini-3-pro' });
  assert.deepEqual(next.contents[1], { role: 'model', parts: [{ functionCall: { name: 'w', args: { c: 'a' } }, thoughtSignature: 'c2lnbmF0dXJlKysvLw==' }] });
  assert.deepEqual(next.contents[2], { role: 'user', parts: [{ functionResponse: { name: 'w', response: { output: 'sunny' } } }] });
  // History begun on another model: Gemini 3 gets the documented sentinel on the step's first call.
  const foreign = upstreamBody('openai-chat', { model: 'o', messages: [
    { role: 'user', content: 'x' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'w', arguments: '{}' } }, { id: 'toolu_2', type: 'function', function: { name: 'w', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'toolu_1', content: '1' },
    { role: 'tool', tool_call_id: 'toolu_2', content: '2' },
  ] }, 'GOOGLE', { slug: 'gemini-3-flash' });
  assert.equal(foreign.contents[1].parts[0].thoughtSignature, SKIP_SIGNATURE);
  assert.equal(foreign.contents[1].parts[1].thoughtSignature, undefined);
  const older = upstreamBody('openai-chat', { model: 'o', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'w', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 't', content: '1' }] }, 'GOOGLE', { slug: 'gemini-2.5-flash' });
  assert.equal(older.contents[1].parts[0].thoughtSignature, undefined);
});

test('Gemini answers: blocked prompts, safety stops, thoughts, and the tool-call finish', () => {
  const blocked = providers.translateResponse('openai-chat', 'GOOGLE', { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 4 } }, { requestedModel: 'o' }).body as any;
  assert.equal(blocked.choices[0].finish_reason, 'content_filter');
  assert.equal(blocked.choices[0].message.content, '');
  const thoughts = providers.translateResponse('anthropic-messages', 'GOOGLE', {
    candidates: [{ content: { role: 'model', parts: [{ text: 'pondering', thought: true }, { text: 'answer' }] }, finishReason: 'SAFETY', index: 0 }], responseId: 'r',
  }, { requestedModel: 'o' }).body as any;
  assert.deepEqual(thoughts.content, [{ type: 'thinking', thinking: 'pondering', signature: '' }, { type: 'text', text: 'answer' }]);
  assert.equal(thoughts.stop_reason, 'refusal');
});

test('Gemini endpoints: key in a header, never the URL; model paths; JSON-array streams are requested as SSE', () => {
  const t = target('GOOGLE', 'models/gemini-2.5-pro');
  const call = providers.buildUpstreamCall('openai-chat', { model: 'o', messages: [{ role: 'user', content: 'x' }] }, t, { stream: true, requestedModel: 'o' });
  assert.equal(call.url, 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
  assert.equal(call.headers['x-goog-api-key'], t.apiKey);
  const tuned = providers.buildUpstreamCall('gemini-generate', { contents: [{ parts: [{ text: 'x' }] }] }, { ...target('GOOGLE', 'tunedModels/my-model'), baseUrl: 'https://gw.example.com/v1beta' }, { stream: false, requestedModel: 'o' });
  assert.equal(tuned.url, 'https://gw.example.com/v1beta/tunedModels/my-model:generateContent');
});

test('parallel tool calls turned off → Gemini: accepted, and only the first call comes back (JSON and stream)', () => {
  const tools = [{ name: 'w', input_schema: { type: 'object' } }];
  const anthropicBody = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], tools, tool_choice: { type: 'any', disable_parallel_tool_use: true } };
  const g = upstreamBody('anthropic-messages', anthropicBody, 'GOOGLE');
  assert.equal(g.toolConfig.functionCallingConfig.mode, 'ANY');
  assert.equal(singleToolCall('anthropic-messages', anthropicBody), true);
  assert.equal(singleToolCall('openai-chat', { parallel_tool_calls: false }), true);
  assert.equal(singleToolCall('openai-chat', {}), false);

  const two = { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'w', args: { c: 'a' } } }, { functionCall: { name: 'w', args: { c: 'b' } } }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4 } };
  const one = providers.translateResponse('anthropic-messages', 'GOOGLE', structuredClone(two), { requestedModel: 'm', singleToolCall: true }).body as any;
  assert.deepEqual(one.content.map((b: any) => b.input), [{ c: 'a' }]);
  assert.equal(one.stop_reason, 'tool_use');
  const both = providers.translateResponse('anthropic-messages', 'GOOGLE', structuredClone(two), { requestedModel: 'm' }).body as any;
  assert.equal(both.content.length, 2);

  const tx = providers.createStreamTranslator('openai-chat', 'GOOGLE', { requestedModel: 'm', singleToolCall: true });
  const out = tx.push(Buffer.from(`data: ${JSON.stringify(two)}\r\n\r\n`)) + tx.end();
  const calls = out.split('\n').filter((l) => l.startsWith('data: {')).flatMap((l) => JSON.parse(l.slice(6)).choices?.[0]?.delta?.tool_calls ?? []);
  assert.deepEqual([...new Set(calls.map((c: any) => c.index))], [0]);
  assert.deepEqual(calls.filter((c: any) => c.id).map((c: any) => c.function.name), ['w']);
  assert.equal(calls.map((c: any) => c.function.arguments ?? '').join(''), '{"c":"a"}');
  assert.match(out, /"finish_reason":"tool_calls"/);
});
