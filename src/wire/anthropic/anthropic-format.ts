/** The Anthropic Messages format, both sides. */
import type { ChatWireFormat } from '../wire-format.ts';
import { isRecord } from '../wire-guards.ts';
import { capAnthropicOutput } from '../output-budget.ts';
import { AnthropicPassThrough } from './messages-pass-through-stream.ts';
import { decodeAnthropicRequest } from './messages-request-decode.ts';
import { ANTHROPIC_DEFAULT_MAX_TOKENS, encodeAnthropicRequest } from './messages-request-encode.ts';
import { decodeAnthropicResponse, encodeAnthropicResponse, usageFromAnthropic } from './messages-response.ts';
import { AnthropicStreamDecoder, AnthropicStreamEncoder } from './messages-stream.ts';

export const anthropicMessagesFormat: ChatWireFormat = {
  name: 'anthropic-messages',
  family: 'anthropic',
  kind: 'chat',
  ingress: {
    decodeRequest: decodeAnthropicRequest,
    encodeResponse: encodeAnthropicResponse,
    streamEncoder: (o) => new AnthropicStreamEncoder(o.requestedModel),
    singleToolCall: (body) => isRecord(body.tool_choice) && body.tool_choice.disable_parallel_tool_use === true,
  },
  upstream: {
    passThroughBody: (body, t, stream) => (stream ? { ...body, model: t.slug, stream: true } : { ...body, model: t.slug }),
    // Beta features live in the body the client wrote for them: the header goes with it, on this path only.
    relayedHeaders: ['anthropic-beta'],
    encodeRequest: (req, t, ctx) => encodeAnthropicRequest(req, t.slug, t.config, ctx),
    decodeResponse: decodeAnthropicResponse,
    usageOf: (json) => usageFromAnthropic(isRecord(json) ? json.usage : undefined),
    streamDecoder: (peer) => new AnthropicStreamDecoder(peer),
    passThroughStream: (o) => new AnthropicPassThrough(o.peer, (code, message) => new AnthropicStreamEncoder(o.requestedModel).fail(code, message)),
    capOutputTokens: (body, cap, clientSet) => capAnthropicOutput(body, cap, clientSet),
    // Messages requires max_tokens: translations send a default (provider config defaultMaxTokens).
    defaultOutputTokens: (config) => (typeof config.defaultMaxTokens === 'number' ? config.defaultMaxTokens : ANTHROPIC_DEFAULT_MAX_TOKENS),
  },
};
