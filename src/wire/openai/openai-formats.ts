/**
 * The OpenAI family's formats: Chat Completions (both sides; every OpenAI-compatible provider type
 * speaks it, in its dialect), Responses (served only, on the chat path of every provider) and
 * Embeddings (both sides on the pass-through path; served from Gemini too).
 */
import type { ChatWireFormat, EmbeddingsWireFormat } from '../wire-format.ts';
import { isRecord, type Json } from '../wire-guards.ts';
import { capOpenAIOutput } from '../output-budget.ts';
import { OpenAIPassThrough } from './chat-pass-through-stream.ts';
import { decodeOpenAIChatRequest } from './chat-request-decode.ts';
import { encodeOpenAIChatRequest, forcesStreamUsage } from './chat-request-encode.ts';
import { passThroughChatBody } from './chat-pass-through.ts';
import { decodeOpenAIChatResponse, encodeOpenAIChatResponse, usageFromOpenAI } from './chat-response.ts';
import { OpenAIChatStreamDecoder, OpenAIChatStreamEncoder } from './chat-stream.ts';
import { decodeResponsesRequest } from './responses-request-decode.ts';
import { encodeResponsesResponse } from './responses-response.ts';
import { ResponsesStreamEncoder } from './responses-stream.ts';
import { decodeOpenAIEmbeddingsRequest, encodeOpenAIEmbeddingsResponse, usageFromOpenAIEmbeddings } from './embeddings.ts';

/** `parallel_tool_calls: false`, in chat and Responses alike. */
const noParallelCalls = (body: Json): boolean => body.parallel_tool_calls === false;

export const openAIChatFormat: ChatWireFormat = {
  name: 'openai-chat',
  family: 'openai',
  kind: 'chat',
  ingress: {
    decodeRequest: decodeOpenAIChatRequest,
    encodeResponse: encodeOpenAIChatResponse,
    streamEncoder: (o) => new OpenAIChatStreamEncoder(o.requestedModel, o.includeUsage !== false),
    singleToolCall: noParallelCalls,
  },
  upstream: {
    passThroughBody: passThroughChatBody,
    relayedHeaders: [],
    encodeRequest: (req, t, ctx) => encodeOpenAIChatRequest(req, t.slug, t.dialect, t.config, ctx),
    decodeResponse: decodeOpenAIChatResponse,
    usageOf: (json) => usageFromOpenAI(isRecord(json) ? json.usage : undefined),
    streamDecoder: (peer) => new OpenAIChatStreamDecoder(peer),
    passThroughStream: (o) => {
      // The gateway forced include_usage: a client that did not ask for it does not get the extra
      // usage-only chunk. Mistral sends usage on its finish chunk on its own; nothing to hide there.
      const hide = o.includeUsage === false && forcesStreamUsage(o.dialect, {});
      const encoder = new OpenAIChatStreamEncoder(o.requestedModel, true);
      return new OpenAIPassThrough(o.peer, hide, (code, message) => encoder.fail(code, message));
    },
    capOutputTokens: capOpenAIOutput,
    defaultOutputTokens: () => undefined,
  },
};

export const openAIResponsesFormat: ChatWireFormat = {
  name: 'openai-responses',
  family: 'openai',
  kind: 'chat',
  ingress: {
    decodeRequest: decodeResponsesRequest,
    encodeResponse: encodeResponsesResponse,
    streamEncoder: (o) => new ResponsesStreamEncoder(o.requestedModel, o.onOutputItems),
    singleToolCall: noParallelCalls,
  },
};

export const openAIEmbeddingsFormat: EmbeddingsWireFormat = {
  name: 'openai-embeddings',
  family: 'openai',
  kind: 'embeddings',
  ingress: {
    decodeRequest: decodeOpenAIEmbeddingsRequest,
    encodeResponse: encodeOpenAIEmbeddingsResponse,
  },
  upstream: {
    passThroughBody: (body, t) => ({ ...body, model: t.slug }),
    usageOf: usageFromOpenAIEmbeddings,
  },
};
