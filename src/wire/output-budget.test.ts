import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requestedAnswers, requestedOutputTokens } from './output-budget.ts';
import { upstreamFormat } from './wire-formats.ts';
import type { WireFamily } from './wire-format.ts';
import type { Json } from './wire-guards.ts';
import { buildUpstreamCall } from '../gateway/translate.ts';
import { isGatewayError } from '../errors/index.ts';
import type { UpstreamTarget } from '../providers/index.ts';
import type { ProviderType } from '../providers/provider-types.ts';

/** The cap as the family's upstream chat format applies it (`type` picks the OpenAI dialect). */
function capOutputTokens(family: WireFamily, type: ProviderType, body: Json, cap: number, clientSet: boolean): Json {
  return upstreamFormat(family, 'chat').upstream!.capOutputTokens(body, cap, clientSet, type);
}

describe('requestedAnswers', () => {
  it("reads OpenAI's n and Gemini's candidateCount in every spelling; 1 when absent or not a positive integer", () => {
    assert.equal(requestedAnswers({}), 1);
    assert.equal(requestedAnswers({ n: 3 }), 3);
    assert.equal(requestedAnswers({ generationConfig: { candidateCount: 4 } }), 4);
    assert.equal(requestedAnswers({ generation_config: { candidate_count: 2 }, n: 1 }), 2);
    for (const n of [0, -2, 2.5, '3', null]) assert.equal(requestedAnswers({ n }), 1);
  });
});

describe('requestedOutputTokens', () => {
  it('reads every spelling and returns the largest', () => {
    assert.equal(requestedOutputTokens({}), undefined);
    assert.equal(requestedOutputTokens({ max_tokens: null }), undefined);
    assert.equal(requestedOutputTokens({ max_tokens: 5, max_completion_tokens: 50 }), 50);
    assert.equal(requestedOutputTokens({ max_output_tokens: 7 }), 7);
    assert.equal(requestedOutputTokens({ generationConfig: { maxOutputTokens: 3, max_output_tokens: 30 }, generation_config: { maxOutputTokens: 9 } }), 30);
    assert.equal(requestedOutputTokens({ generation_config: { max_output_tokens: 0 } }), 0);
  });

  it('refuses anything but a non-negative integer with invalid_request_body naming the field', () => {
    for (const [body, param] of [
      [{ max_tokens: '10' }, 'max_tokens'],
      [{ max_completion_tokens: -1 }, 'max_completion_tokens'],
      [{ max_output_tokens: 1.5 }, 'max_output_tokens'],
      [{ generation_config: { max_output_tokens: '10' } }, 'generation_config.max_output_tokens'],
      [{ generationConfig: { maxOutputTokens: 1e300 } }, 'generationConfig.maxOutputTokens'],
    ] as const) {
      assert.throws(() => requestedOutputTokens(body), (e: unknown) => isGatewayError(e) && e.code === 'invalid_request_body' && e.extra.param === param, JSON.stringify(body));
    }
  });
});

describe('capOutputTokens', () => {
  it('fills the dialect field of an OpenAI-family target when the client named none, dropping nulls', () => {
    assert.deepEqual(capOutputTokens('openai', 'OPENAI', { max_tokens: null }, 100, false), { max_completion_tokens: 100 });
    for (const t of ['MISTRAL', 'AZURE_OPENAI', 'VLLM', 'CUSTOM'] as ProviderType[]) assert.deepEqual(capOutputTokens('openai', t, {}, 100, false), { max_tokens: 100 });
    assert.deepEqual(capOutputTokens('openai', 'OPENAI', { max_tokens: 5, max_completion_tokens: 500 }, 100, true), { max_tokens: 5, max_completion_tokens: 100 });
  });

  it('Anthropic: the cap replaces a default and shrinks a thinking budget that no longer fits', () => {
    assert.deepEqual(capOutputTokens('anthropic', 'ANTHROPIC', { max_tokens: 4096 }, 100, false), { max_tokens: 100 });
    assert.deepEqual(capOutputTokens('anthropic', 'ANTHROPIC', { max_tokens: 50 }, 100, true), { max_tokens: 50 });
    assert.deepEqual(
      capOutputTokens('anthropic', 'ANTHROPIC', { max_tokens: 20480, thinking: { type: 'enabled', budget_tokens: 16384 } }, 4000, false),
      { max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 3999 } },
    );
  });

  it('Gemini: writes into the config object the client sent, in its spelling, without mutating it', () => {
    const snake = { generation_config: { temperature: 0.2 } };
    assert.deepEqual(capOutputTokens('gemini', 'GOOGLE', snake, 100, false), { generation_config: { temperature: 0.2, max_output_tokens: 100 } });
    assert.deepEqual(snake, { generation_config: { temperature: 0.2 } });
    assert.deepEqual(capOutputTokens('gemini', 'GOOGLE', {}, 100, false), { generationConfig: { maxOutputTokens: 100 } });
    assert.deepEqual(
      capOutputTokens('gemini', 'GOOGLE', { generationConfig: { maxOutputTokens: 10 }, generation_config: { max_output_tokens: 900 } }, 100, true),
      { generationConfig: { maxOutputTokens: 10 }, generation_config: { max_output_tokens: 100 } },
    );
  });
});

describe('buildUpstreamCall with maxOutputTokens', () => {
  const target = (providerType: ProviderType): UpstreamTarget => ({ providerType, baseUrl: 'https://up.example', apiKey: 'k', slug: 'm', config: {} });
  it('caps the Anthropic translation default and its thinking raise', () => {
    const body = { model: 'x', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'high' };
    const uncapped = JSON.parse(buildUpstreamCall('openai-chat', body, target('ANTHROPIC'), { stream: false, requestedModel: 'x' }).body);
    assert.ok(uncapped.max_tokens > 16384);
    const capped = JSON.parse(buildUpstreamCall('openai-chat', body, target('ANTHROPIC'), { stream: false, requestedModel: 'x', maxOutputTokens: 3000 }).body);
    assert.equal(capped.max_tokens, 3000);
    assert.equal(capped.thinking.budget_tokens, 2999);
  });
  it('leaves the body alone without a cap (same-family bytes unchanged)', () => {
    const body = { contents: [{ parts: [{ text: 'hi' }] }] };
    assert.equal(buildUpstreamCall('gemini-generate', body, target('GOOGLE'), { stream: false, requestedModel: 'x' }).body, JSON.stringify(body));
  });
});
