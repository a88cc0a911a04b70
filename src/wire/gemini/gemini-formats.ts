/**
 * The Gemini family's formats: generateContent / streamGenerateContent (both sides; the model
 * travels in the URL, so the same-format body goes up untouched) and batchEmbedContents (upstream
 * only: OpenAI embeddings requests are served from it).
 */
import type { ChatWireFormat, EmbeddingsWireFormat } from '../wire-format.ts';
import { isRecord } from '../wire-guards.ts';
import { capGeminiOutput } from '../output-budget.ts';
import { GeminiPassThrough } from './generate-pass-through-stream.ts';
import { decodeGeminiRequest } from './generate-request-decode.ts';
import { encodeGeminiRequest } from './generate-request-encode.ts';
import { decodeGeminiResponse, encodeGeminiResponse, usageFromGemini } from './generate-response.ts';
import { GeminiStreamDecoder, GeminiStreamEncoder } from './generate-stream.ts';
import { decodeGeminiEmbedResponse, encodeGeminiEmbedRequest } from './embed-content.ts';

export const geminiGenerateFormat: ChatWireFormat = {
  name: 'gemini-generate',
  family: 'gemini',
  kind: 'chat',
  ingress: {
    decodeRequest: decodeGeminiRequest,
    encodeResponse: encodeGeminiResponse,
    streamEncoder: (o) => new GeminiStreamEncoder(o.requestedModel, o.jsonArray === true),
    // Gemini has no such switch; a Gemini client gets what the model answered.
    singleToolCall: () => false,
  },
  upstream: {
    passThroughBody: (body) => body,
    relayedHeaders: [],
    encodeRequest: (req, t, ctx) => encodeGeminiRequest(req, t.slug, ctx),
    decodeResponse: decodeGeminiResponse,
    usageOf: (json) => usageFromGemini(isRecord(json) ? json.usageMetadata : undefined),
    streamDecoder: (peer) => new GeminiStreamDecoder(peer),
    passThroughStream: (o) => new GeminiPassThrough(o.peer, o.jsonArray === true, o.requestedModel),
    capOutputTokens: (body, cap, clientSet) => capGeminiOutput(body, cap, clientSet),
    defaultOutputTokens: () => undefined,
  },
};

export const geminiEmbedFormat: EmbeddingsWireFormat = {
  name: 'gemini-embed',
  family: 'gemini',
  kind: 'embeddings',
  upstream: {
    passThroughBody: (body) => body,
    usageOf: (json) => decodeGeminiEmbedResponse(json).usage,
    encodeRequest: (req, t) => encodeGeminiEmbedRequest(req, t.slug),
    decodeResponse: decodeGeminiEmbedResponse,
  },
};
