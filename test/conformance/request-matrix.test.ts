// Every surface × provider × request case: the exact upstream call (URL, headers, body), or the
// exact 400 naming what the provider cannot express.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as providers from '../../src/gateway/translate.ts';
import { isGatewayError } from '../../src/errors/index.ts';
import { useDeterministicIds } from '../../src/canonical/ids.ts';
import { PROVIDER_TYPE_INFO } from '../../src/providers/provider-types.ts';
import type { IngressFormat as Surface } from '../../src/wire/wire-format.ts';
import { CHAT_SURFACES, PROVIDERS, REQUESTED_MODEL, TARGETS, golden, requestFixtures } from './conformance-helpers.ts';

const SURFACE_FAMILY: Record<string, string> = { 'openai-chat': 'openai', 'anthropic-messages': 'anthropic', 'gemini-generate': 'gemini' };

function build(surface: Surface, body: Record<string, unknown>, provider: (typeof PROVIDERS)[number], stream: boolean) {
  try {
    const call = providers.buildUpstreamCall(surface, structuredClone(body), TARGETS[provider], { stream, requestedModel: REQUESTED_MODEL });
    return { method: call.method, url: call.url, headers: call.headers, stream: call.stream, body: JSON.parse(call.body) };
  } catch (e) {
    if (!isGatewayError(e)) throw e;
    return { error: { status: e.status, code: e.code, message: e.message, ...e.extra } };
  }
}

describe('request matrix: surface × provider × case', () => {
  let restore: () => void;
  before(() => {
    restore = useDeterministicIds();
  });
  after(() => restore());

  for (const surface of [...CHAT_SURFACES, 'openai-embeddings' as Surface]) {
    const cases = requestFixtures(surface);
    for (const provider of PROVIDERS) {
      for (const [name, body] of Object.entries(cases)) {
        it(`${surface} → ${provider}: ${name}`, () => {
          const stream = surface === 'gemini-generate' ? name === 'tools' : body.stream === true;
          const out = build(surface, body, provider, stream);
          golden(`requests/${surface}/${provider}.${name}.json`, out);
          if ('error' in out) return;
          // The provider key goes in the provider's own header, and nothing of the client's.
          assert.ok(Object.values(out.headers).some((v) => v.includes(TARGETS[provider].apiKey)));
          assert.ok(!out.url.includes(TARGETS[provider].apiKey), 'key never in the URL');
          const family = PROVIDER_TYPE_INFO[provider].family;
          if (SURFACE_FAMILY[surface] === family) {
            // Same family: the client's body goes up as written, only the model swapped.
            const { model: _m, stream_options: _so, ...rest } = body as Record<string, unknown>;
            const { model: _um, stream_options: _uso, ...sent } = out.body as Record<string, unknown>;
            if (provider !== 'MISTRAL') assert.deepEqual(sent, rest);
          }
        });
      }
    }
  }

  it('Mistral keeps a call and its result matched when ids are not its 9-character kind', () => {
    const out = build('anthropic-messages', requestFixtures('anthropic-messages').tools, 'MISTRAL', true);
    assert.ok(!('error' in out));
    const msgs = out.body.messages as any[];
    const callId = msgs.find((m) => m.tool_calls)?.tool_calls[0].id;
    const resultId = msgs.find((m) => m.role === 'tool')?.tool_call_id;
    assert.match(callId, /^[a-zA-Z0-9]{9}$/);
    assert.equal(callId, resultId);
  });
});
