// End to end: each official SDK against a real listening Odock, reaching models served by each
// provider family (fake upstreams on loopback). Checks what the SDK gets back and what the
// upstream received.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { waitFor } from '../helpers/odock.ts';
import { FAKE_REPLY } from '../fakes/fake-openai.ts';
import { FAMILIES, threeFamilies } from './three-families.ts';

const KEYS = { openai: 'sk-oa-upstream-0001', anthropic: 'sk-ant-upstream-0001', gemini: 'AIza-gemini-upstream-0001' };
const MODELS = { openai: 'oa-model', anthropic: 'claude-model', gemini: 'gemini-model' } as const;
const WEATHER = { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('official SDKs × provider families through Odock', () => {
  const t = threeFamilies(KEYS, MODELS);
  const { fakes, setups, secret } = t;

  for (const family of FAMILIES) {
    it(`openai SDK → ${family}: chat, streamed tool call, responses`, async () => {
      const client = new OpenAI({ baseURL: `${t.o.url}/v1`, apiKey: secret(family), maxRetries: 0 });
      const model = MODELS[family];
      const r = await client.chat.completions.create({ model, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
      assert.equal(r.choices[0].message.content, FAKE_REPLY);
      assert.equal(r.model, family === 'openai' ? 'gpt-4.1-mini' : model);
      assert.equal(r.usage?.prompt_tokens, 11);
      assert.equal(r.usage?.completion_tokens, family === 'gemini' ? 6 : 6);
      assert.equal(r.usage?.prompt_tokens_details?.cached_tokens, 3);

      fakes[family].next({ kind: 'tools' });
      const final = await client.chat.completions
        .stream({ model, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [{ type: 'function', function: WEATHER }], stream_options: { include_usage: true } })
        .finalChatCompletion();
      const call = final.choices[0].message.tool_calls?.[0];
      assert.ok(call && call.type === 'function');
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris', unit: 'celsius' });
      assert.equal(final.choices[0].finish_reason, 'tool_calls');
      assert.equal(final.usage?.prompt_tokens, 11);

      const resp = await client.responses.create({ model, instructions: 'Be brief.', input: 'Hi' });
      assert.equal(resp.output_text, FAKE_REPLY);
      assert.equal(resp.usage?.input_tokens, 11);
      let streamed = '';
      for await (const ev of await client.responses.create({ model, input: 'Hi', stream: true })) {
        if (ev.type === 'response.output_text.delta') streamed += ev.delta;
      }
      assert.equal(streamed, FAKE_REPLY);
    });

    it(`anthropic SDK → ${family}: message, streamed tool use`, async () => {
      const client = new Anthropic({ baseURL: t.o.url, apiKey: secret(family), maxRetries: 0 });
      const model = MODELS[family];
      const m = await client.messages.create({ model, max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
      assert.deepEqual(m.content.map((b) => (b.type === 'text' ? b.text : b.type)), [FAKE_REPLY]);
      assert.equal(m.stop_reason, 'end_turn');
      assert.equal(m.usage.input_tokens + (m.usage.cache_read_input_tokens ?? 0), 11);

      fakes[family].next({ kind: 'tools' });
      const final = await client.messages
        .stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Weather?' }], tools: [{ name: WEATHER.name, description: WEATHER.description, input_schema: WEATHER.parameters as any }] })
        .finalMessage();
      const use = final.content.find((b) => b.type === 'tool_use');
      assert.ok(use && use.type === 'tool_use');
      assert.deepEqual(use.input, { city: 'Paris', unit: 'celsius' });
      assert.equal(final.stop_reason, 'tool_use');
      if (family !== 'anthropic') {
        // What the upstream got: its own wire format, its own key.
        const up = fakes[family].last();
        assert.ok(JSON.stringify(up.headers).includes(KEYS[family]));
        assert.ok(!JSON.stringify(up.headers).includes(secret(family)));
      }
    });

    it(`google genai SDK → ${family}: generateContent and stream`, async () => {
      const ai = new GoogleGenAI({ apiKey: secret(family), httpOptions: { baseUrl: t.o.url } });
      const model = MODELS[family];
      const r = await ai.models.generateContent({ model, contents: 'Hi', config: { systemInstruction: 'Be brief.' } });
      assert.equal(r.text, FAKE_REPLY);
      assert.equal(r.usageMetadata?.promptTokenCount, 11);
      let text = '';
      for await (const c of await ai.models.generateContentStream({ model, contents: 'Hi' })) text += c.text ?? '';
      assert.equal(text, FAKE_REPLY);
    });
  }

  it('the Anthropic upstream gets max_tokens, the system prompt and anthropic-version from an OpenAI client', async () => {
    const client = new OpenAI({ baseURL: `${t.o.url}/v1`, apiKey: secret('anthropic'), maxRetries: 0 });
    await client.chat.completions.create({ model: MODELS.anthropic, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
    const up = fakes.anthropic.last();
    assert.equal(up.pathname, '/v1/messages');
    assert.equal(up.headers['x-api-key'], KEYS.anthropic);
    assert.equal(up.headers['anthropic-version'], '2023-06-01');
    assert.equal(up.body.system, 'Be brief.');
    assert.equal(up.body.max_tokens, 4096);
    assert.equal(up.body.model, 'claude-sonnet-4-5');
  });

  it('a feature the target cannot express is a 400 naming it', async () => {
    const client = new OpenAI({ baseURL: `${t.o.url}/v1`, apiKey: secret('gemini'), maxRetries: 0 });
    await assert.rejects(
      client.chat.completions.create({ model: MODELS.gemini, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] }),
      (e: any) => e.status === 400 && /image given by URL/.test(e.message),
    );
  });

  it('usage records carry the translated token counts per family', async () => {
    await t.o.deps.usage.flush();
    const { client, orgId } = setups.openai;
    for (const family of FAMILIES) {
      const id = setups[family].modelIds[MODELS[family]];
      await waitFor(async () => (await client.ok('GET', `/api/organisations/${orgId}/usage?modelId=${id}&limit=500`)).items.length > 0);
      const items = (await client.ok('GET', `/api/organisations/${orgId}/usage?modelId=${id}&limit=500`)).items as any[];
      const plain = items.find((r) => r.status === 200 && r.streamed === false && r.outputTokens === 6);
      assert.ok(plain, `${family}: a plain call recorded with 6 output tokens`);
      assert.equal(plain.inputTokens, 11);
      assert.equal(plain.cachedTokens, 3);
      assert.equal(plain.reasoningTokens, family === 'anthropic' ? 0 : 2);
    }
  });
});
