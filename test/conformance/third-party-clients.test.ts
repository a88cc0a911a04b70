// End to end with widely used third-party clients (the Vercel AI SDK 6 and LangChain.js) against a
// real listening Odock, reaching models served by each provider family (fake upstreams on loopback).
// These clients send what the official SDK examples do not: structured output through a forced
// tool with `disable_parallel_tool_use`, `item_reference`s to earlier output items in a tool loop,
// and they add the usage of `message_start` to that of `message_delta`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { generateText, streamText, Output, tool, stepCountIs } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { ChatOpenAI } from '@langchain/openai';
import { ChatAnthropic } from '@langchain/anthropic';
import type { AIMessageChunk } from '@langchain/core/messages';
import { FAKE_REPLY } from '../fakes/fake-openai.ts';
import { FAMILIES, threeFamilies } from './three-families.ts';

const KEYS = { openai: 'sk-oa-upstream-tp01', anthropic: 'sk-ant-upstream-tp01', gemini: 'AIza-gemini-upstream-tp01' };
const MODELS = { openai: 'oa-model', anthropic: 'team-sonnet', gemini: 'gemini-model' } as const;
const Weather = z.object({ city: z.string(), unit: z.string() });

/** A plain answer and a streamed one, both the fake's reply, with the input tokens it reported. */
async function textAndStream(model: Parameters<typeof generateText>[0]['model']): Promise<void> {
  const r = await generateText({ model, prompt: 'Hi', maxRetries: 0 });
  assert.equal(r.text, FAKE_REPLY);
  assert.equal(r.usage.inputTokens, 11);
  let streamed = '';
  for await (const delta of streamText({ model, prompt: 'Hi', maxRetries: 0 }).textStream) streamed += delta;
  assert.equal(streamed, FAKE_REPLY);
}

describe('third-party clients (AI SDK, LangChain.js) × provider families through Odock', () => {
  const t = threeFamilies(KEYS, MODELS);
  const { fakes, secret } = t;

  for (const family of FAMILIES) {
    it(`AI SDK, OpenAI provider (Responses API) → ${family}: text, stream, and a tool loop`, async () => {
      const openai = createOpenAI({ baseURL: `${t.o.url}/v1`, apiKey: secret(family) });
      const model = openai(MODELS[family]);
      await textAndStream(model);

      // The model speaks, then calls the tool; the SDK's next step refers to both output items by id.
      fakes[family].next({ kind: 'reply', text: 'Let me check.', toolCalls: [{ name: 'weather', arguments: { city: 'Paris', unit: 'celsius' } }] });
      const seen: unknown[] = [];
      const loop = await generateText({
        model, prompt: 'Weather in Paris?', maxRetries: 0, stopWhen: stepCountIs(3),
        tools: { weather: tool({ description: 'Weather for a city', inputSchema: Weather, execute: async (input) => { seen.push(input); return { tempC: 21 }; } }) },
      });
      assert.deepEqual(seen, [{ city: 'Paris', unit: 'celsius' }]);
      assert.equal(loop.steps.length, 2);
      assert.equal(loop.text, FAKE_REPLY);
      // What the upstream got on the second step: the whole history, in its own format.
      const history = JSON.stringify(fakes[family].last().body);
      assert.match(history, /Let me check\./);
      assert.match(history, /tempC/);
    });

    it(`AI SDK, Anthropic provider → ${family}: structured output and a streamed answer`, async () => {
      const anthropic = createAnthropic({ baseURL: `${t.o.url}/v1`, apiKey: secret(family) });
      const model = anthropic(MODELS[family]);
      // The SDK forces its `json` tool with disable_parallel_tool_use. OpenAI and Anthropic honour that
      // upstream; Gemini cannot be told, may answer with two calls, and the client must see only the first.
      const paris = { name: 'json', arguments: { city: 'Paris', unit: 'celsius' } };
      fakes[family].next({ kind: 'tools', calls: family === 'gemini' ? [paris, { name: 'json', arguments: { city: 'Rome', unit: 'celsius' } }] : [paris] });
      const r = await generateText({ model, prompt: 'Weather in Paris as JSON', output: Output.object({ schema: Weather }), maxRetries: 0 });
      assert.deepEqual(r.output, { city: 'Paris', unit: 'celsius' });
      if (family === 'gemini') assert.equal(fakes.gemini.last().body.toolConfig.functionCallingConfig.mode, 'ANY');
      else if (family === 'openai') assert.equal(fakes.openai.last().body.parallel_tool_calls, false);
      let streamed = '';
      const s = streamText({ model, prompt: 'Hi', maxRetries: 0 });
      for await (const delta of s.textStream) streamed += delta;
      assert.equal(streamed, FAKE_REPLY);
      assert.equal((await s.usage).outputTokens, 6);
    });

    it(`AI SDK, Google provider → ${family}: text and stream`, async () => {
      const google = createGoogleGenerativeAI({ baseURL: `${t.o.url}/v1beta`, apiKey: secret(family) });
      const model = google(MODELS[family]);
      await textAndStream(model);
    });

    it(`LangChain ChatOpenAI and ChatAnthropic → ${family}: invoke and stream with usage`, async () => {
      const chatOpenAI = new ChatOpenAI({ model: MODELS[family], apiKey: secret(family), configuration: { baseURL: `${t.o.url}/v1` }, maxRetries: 0 });
      const chatAnthropic = new ChatAnthropic({ model: MODELS[family], apiKey: secret(family), anthropicApiUrl: t.o.url, maxRetries: 0 });
      for (const chat of [chatOpenAI, chatAnthropic]) {
        const m = await chat.invoke('Hi');
        assert.equal(m.content, FAKE_REPLY);
        assert.equal(m.usage_metadata?.output_tokens, 6);
        let full: AIMessageChunk | undefined;
        for await (const c of await chat.stream('Hi')) full = full ? full.concat(c) : c;
        assert.equal(full?.text, FAKE_REPLY);
        // LangChain adds message_start's output tokens to message_delta's. Translated streams open at 0, so
        // the sum is the real count; Anthropic's own stream (passed through as it is) opens at 1, as the real API does.
        const passThrough = chat === chatAnthropic && family === 'anthropic';
        assert.equal(full?.usage_metadata?.output_tokens, passThrough ? 7 : 6, `${chat.constructor.name} streamed output tokens`);
        // LangChain reads Anthropic-format input tokens from message_start only; an OpenAI upstream tells them at the end.
        if (!(chat === chatAnthropic && family === 'openai')) assert.equal(full?.usage_metadata?.input_tokens, 11);
      }
    });
  }
});
