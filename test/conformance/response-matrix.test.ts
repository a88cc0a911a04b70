// Every surface × provider × response case: the exact body the client receives and the usage
// recorded. Same-family answers must be the upstream's own object, untouched.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as providers from '../../src/gateway/translate.ts';
import { useDeterministicIds } from '../../src/canonical/ids.ts';
import { CHAT_SURFACES, FAMILIES, FAMILY_MEMBERS, REQUESTED_MODEL, fixtureJson, golden } from './conformance-helpers.ts';

const SAME: Record<string, string> = { 'openai-chat': 'openai', 'anthropic-messages': 'anthropic', 'gemini-generate': 'gemini' };

describe('response matrix: surface × provider × case', () => {
  let restore: () => void;
  before(() => {
    restore = useDeterministicIds();
  });
  after(() => restore());

  for (const surface of CHAT_SURFACES) {
    for (const family of FAMILIES) {
      for (const name of ['text', 'tools']) {
        it(`${family} ${name} answer → ${surface}`, () => {
          const outputs = FAMILY_MEMBERS[family].map((provider) => {
            const upstream = fixtureJson(`upstream/${family}-${name}.json`);
            const reset = useDeterministicIds();
            try {
              const out = providers.translateResponse(surface, provider, upstream, { requestedModel: REQUESTED_MODEL });
              if (SAME[surface] === family) assert.equal(out.body, upstream, 'same family: the upstream object itself');
              return out;
            } finally {
              reset();
            }
          });
          // Every member of a family (OpenAI, Azure, Mistral, vLLM) translates identically.
          for (const o of outputs.slice(1)) assert.deepEqual(o, outputs[0]);
          golden(`responses/${surface}/${family}.${name}.json`, outputs[0]);
        });
      }
    }
  }

  it('openai-embeddings: OpenAI family passes through, Gemini is translated (floats and base64)', () => {
    const oa = fixtureJson('upstream/openai-embeddings.json');
    const same = providers.translateResponse('openai-embeddings', 'MISTRAL', oa, { requestedModel: REQUESTED_MODEL });
    assert.equal(same.body, oa);
    assert.equal(same.usage.inputTokens, 2);
    const g = providers.translateResponse('openai-embeddings', 'GOOGLE', fixtureJson('upstream/gemini-embeddings.json'), { requestedModel: REQUESTED_MODEL });
    golden('responses/openai-embeddings/gemini.float.json', g);
    const b64 = providers.translateResponse('openai-embeddings', 'GOOGLE', fixtureJson('upstream/gemini-embeddings.json'), { requestedModel: REQUESTED_MODEL, encodingFormat: 'base64' });
    const bytes = Buffer.from((b64.body as any).data[0].embedding as string, 'base64');
    const floats = [0, 1, 2].map((i) => Number(bytes.readFloatLE(i * 4).toFixed(6)));
    assert.deepEqual(floats, [0.002306, -0.009327, 0.015797]);
  });
});
