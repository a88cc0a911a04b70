import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimateInputTokens, estimateTextTokens } from './token-estimate.ts';

describe('token estimate', () => {
  it('is about one token per four characters of text', () => {
    assert.equal(estimateTextTokens(''), 0);
    assert.equal(estimateTextTokens('abcd'), 1);
    assert.equal(estimateTextTokens('abcde'), 2);
  });

  it('counts message text in OpenAI, Anthropic and Gemini bodies, with a per-message overhead', () => {
    const text = 'x'.repeat(400);
    const openai = { model: 'gpt-4.1', messages: [{ role: 'system', content: text }, { role: 'user', content: [{ type: 'text', text }] }], max_tokens: 10 };
    assert.equal(estimateInputTokens(openai), 200 + 2 * 4);
    const anthropic = { model: 'claude', system: text, messages: [{ role: 'user', content: text }] };
    assert.equal(estimateInputTokens(anthropic), 200 + 4);
    const gemini = { contents: [{ role: 'user', parts: [{ text }] }], systemInstruction: { parts: [{ text }] } };
    assert.equal(estimateInputTokens(gemini), 200 + 4);
    assert.equal(estimateInputTokens({ model: 'embed', input: [text, text] }), 200);
  });

  it('ignores base64 images and ids, counts tool definitions', () => {
    const image = 'A'.repeat(100_000);
    const body = {
      messages: [{ role: 'user', content: [
        { type: 'image_url', image_url: { url: `data:image/png;base64,${image}` } },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: image } },
      ] }],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'x'.repeat(40) } }],
    };
    assert.equal(estimateInputTokens(body), Math.ceil((11 + 40) / 4) + 4);
  });

  it('survives odd input', () => {
    assert.equal(estimateInputTokens(undefined), 0);
    assert.equal(estimateInputTokens(42), 0);
    let deep: unknown = 'x'.repeat(4);
    for (let i = 0; i < 1000; i++) deep = [deep];
    assert.equal(estimateInputTokens(deep), 0);
  });
});
