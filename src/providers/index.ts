/**
 * The provider adapter: one entry point per step of a gateway call (see contract.ts).
 * Same-family pairs (OpenAI surface → OpenAI-compatible provider, Anthropic → Anthropic,
 * Gemini → Gemini) take the fast path: the client's body with the model swapped, the upstream's
 * answer and stream bytes as they are. Every other pair goes through the canonical format.
 */
import type { ProviderAdapterApi, Surface, StreamTranslator, TranslatedResponse, UpstreamCall, UpstreamTarget, BuildCallOptions, StreamOptions, TranslateOptions } from './contract.ts';
import { PROVIDER_TYPE_INFO, type ProviderFamily, type ProviderType } from './provider-types.ts';
import type { ChatRequest, ChatResponse } from '../canonical/chat.types.ts';
import type { StreamDecoder, StreamEncoder } from '../canonical/stream-codec.ts';
import type { TranslateContext } from '../canonical/translate-context.ts';
import { unsupported } from '../canonical/translate-context.ts';
import type { Json } from '../canonical/wire-guards.ts';
import { peerName } from './peer-names.ts';
import { errorForCode, mapUpstreamError } from './upstream-errors.ts';
import { TranslatingStream } from './translating-stream.ts';
import { capOutputTokens, requestedOutputTokens } from './output-budget.ts';
import { SecretScrubber } from './secret-scrub.ts';
import { ScrubbingStream } from './scrubbing-stream.ts';
import { AnthropicPassThrough, GeminiPassThrough, OpenAIPassThrough } from './pass-through-streams.ts';
import { serializeError } from '../errors/index.ts';
// OpenAI family and surfaces
import { openAIHeaders, openAIUrl, passThroughChatBody } from './openai/openai-api.ts';
import { decodeOpenAIChatRequest } from './openai/chat-request-decode.ts';
import { encodeOpenAIChatRequest, forcesStreamUsage } from './openai/chat-request-encode.ts';
import { decodeOpenAIChatResponse, encodeOpenAIChatResponse, usageFromOpenAI } from './openai/chat-response.ts';
import { OpenAIChatStreamDecoder, OpenAIChatStreamEncoder } from './openai/chat-stream.ts';
import { decodeResponsesRequest } from './openai/responses-request-decode.ts';
import { encodeResponsesResponse } from './openai/responses-response.ts';
import { ResponsesStreamEncoder } from './openai/responses-stream.ts';
import { decodeOpenAIEmbeddingsRequest, encodeOpenAIEmbeddingsResponse, usageFromOpenAIEmbeddings } from './openai/embeddings.ts';
// Anthropic family
import { anthropicHeaders, anthropicUrl } from './anthropic/anthropic-api.ts';
import { decodeAnthropicRequest } from './anthropic/messages-request-decode.ts';
import { encodeAnthropicRequest } from './anthropic/messages-request-encode.ts';
import { decodeAnthropicResponse, encodeAnthropicResponse, usageFromAnthropic } from './anthropic/messages-response.ts';
import { AnthropicStreamDecoder, AnthropicStreamEncoder } from './anthropic/messages-stream.ts';
// Gemini family
import { geminiHeaders, geminiUrl } from './gemini/gemini-api.ts';
import { decodeGeminiRequest } from './gemini/generate-request-decode.ts';
import { encodeGeminiRequest } from './gemini/generate-request-encode.ts';
import { decodeGeminiResponse, encodeGeminiResponse, usageFromGemini } from './gemini/generate-response.ts';
import { GeminiStreamDecoder, GeminiStreamEncoder } from './gemini/generate-stream.ts';
import { decodeGeminiEmbedResponse, encodeGeminiEmbedRequest } from './gemini/embed-content.ts';

const SURFACE_FAMILY: Record<Surface, ProviderFamily | null> = {
  'openai-chat': 'openai',
  'openai-embeddings': 'openai',
  'openai-responses': null, // served on the chat path of every family, never passed through
  'anthropic-messages': 'anthropic',
  'gemini-generate': 'gemini',
};

export function familyOf(type: ProviderType): ProviderFamily {
  return PROVIDER_TYPE_INFO[type].family;
}

/** Whether a surface × provider pair takes the same-family fast path. */
export function isPassThrough(surface: Surface, type: ProviderType): boolean {
  return SURFACE_FAMILY[surface] === familyOf(type);
}

function header(h: BuildCallOptions['clientHeaders'], name: string): string | undefined {
  const v = h?.[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function call(url: string, headers: Record<string, string>, body: Json, stream: boolean): UpstreamCall {
  return { method: 'POST', url, headers, body: JSON.stringify(body), stream };
}

function decodeRequest(surface: Surface, body: Json, ctx: TranslateContext): ChatRequest {
  switch (surface) {
    case 'openai-chat':
      return decodeOpenAIChatRequest(body, ctx);
    case 'openai-responses':
      return decodeResponsesRequest(body, ctx);
    case 'anthropic-messages':
      return decodeAnthropicRequest(body, ctx);
    case 'gemini-generate':
      return decodeGeminiRequest(body, ctx);
    default:
      throw new Error(`no chat decoder for ${surface}`);
  }
}

function buildEmbeddingsCall(body: Json, t: UpstreamTarget, ctx: TranslateContext): UpstreamCall {
  switch (familyOf(t.providerType)) {
    case 'openai':
      return call(openAIUrl(t, 'embeddings'), openAIHeaders(t), { ...body, model: t.slug }, false);
    case 'gemini':
      return call(geminiUrl(t, 'batchEmbedContents'), geminiHeaders(t), encodeGeminiEmbedRequest(decodeOpenAIEmbeddingsRequest(body, ctx), t.slug), false);
    default:
      unsupported(ctx, 'the embeddings endpoint', 'model');
  }
}

function buildUpstreamCall(surface: Surface, body: Json, t: UpstreamTarget, opts: BuildCallOptions): UpstreamCall {
  const ctx: TranslateContext = { peer: peerName(t.providerType) };
  const family = familyOf(t.providerType);
  if (surface === 'openai-embeddings') return buildEmbeddingsCall(body, t, ctx);
  const cap = opts.maxOutputTokens;
  // The policy's cap applies to the body that actually goes upstream, in the target's own field.
  const capped = (b: Json): Json => (cap === undefined ? b : capOutputTokens(family, t.providerType, b, cap, requestedOutputTokens(body) !== undefined));
  if (SURFACE_FAMILY[surface] === family) {
    if (family === 'openai') return call(openAIUrl(t, 'chat/completions'), openAIHeaders(t), capped(passThroughChatBody(body, t, opts.stream)), opts.stream);
    if (family === 'anthropic') {
      const b: Json = { ...body, model: t.slug };
      if (opts.stream) b.stream = true;
      return call(anthropicUrl(t), anthropicHeaders(t, header(opts.clientHeaders, 'anthropic-beta')), capped(b), opts.stream);
    }
    // The Gemini model travels in the URL; the body goes up untouched (but for the output cap).
    return { method: 'POST', url: geminiUrl(t, opts.stream ? 'streamGenerateContent' : 'generateContent'), headers: geminiHeaders(t), body: JSON.stringify(capped(body)), stream: opts.stream };
  }
  const req = decodeRequest(surface, body, ctx);
  req.stream = opts.stream;
  switch (family) {
    case 'openai':
      return call(openAIUrl(t, 'chat/completions'), openAIHeaders(t), capped(encodeOpenAIChatRequest(req, t.slug, t.providerType, t.config, ctx)), opts.stream);
    case 'anthropic':
      return call(anthropicUrl(t), anthropicHeaders(t), capped(encodeAnthropicRequest(req, t.slug, t.config, ctx)), opts.stream);
    case 'gemini':
      return call(geminiUrl(t, opts.stream ? 'streamGenerateContent' : 'generateContent'), geminiHeaders(t), capped(encodeGeminiRequest(req, t.slug, ctx)), opts.stream);
  }
}

function decodeResponse(family: ProviderFamily, json: unknown): ChatResponse {
  if (family === 'openai') return decodeOpenAIChatResponse(json);
  if (family === 'anthropic') return decodeAnthropicResponse(json);
  return decodeGeminiResponse(json);
}

function encodeResponse(surface: Surface, r: ChatResponse, requestedModel: string): Json {
  switch (surface) {
    case 'openai-chat':
      return encodeOpenAIChatResponse(r, requestedModel);
    case 'openai-responses':
      return encodeResponsesResponse(r, requestedModel);
    case 'anthropic-messages':
      return encodeAnthropicResponse(r, requestedModel);
    default:
      return encodeGeminiResponse(r, requestedModel);
  }
}

function translateResponse(surface: Surface, providerType: ProviderType, json: unknown, opts: TranslateOptions): TranslatedResponse {
  const family = familyOf(providerType);
  if (surface === 'openai-embeddings') {
    if (family === 'openai') return { body: json, usage: usageFromOpenAIEmbeddings(json) };
    const r = decodeGeminiEmbedResponse(json);
    return { body: encodeOpenAIEmbeddingsResponse(r, opts.encodingFormat === 'base64' ? 'base64' : 'float', opts.requestedModel), usage: r.usage };
  }
  if (SURFACE_FAMILY[surface] === family) {
    const u = json && typeof json === 'object' ? (json as Json) : {};
    const usage = family === 'openai' ? usageFromOpenAI(u.usage) : family === 'anthropic' ? usageFromAnthropic(u.usage) : usageFromGemini(u.usageMetadata);
    return { body: json, usage };
  }
  const r = decodeResponse(family, json);
  if (opts.singleToolCall) {
    let seen = false;
    r.content = r.content.filter((p) => p.type !== 'tool_call' || (!seen && (seen = true)));
  }
  return { body: encodeResponse(surface, r, opts.requestedModel), usage: r.usage };
}

function streamDecoder(providerType: ProviderType): StreamDecoder {
  switch (familyOf(providerType)) {
    case 'openai':
      return new OpenAIChatStreamDecoder(providerType);
    case 'anthropic':
      return new AnthropicStreamDecoder(providerType);
    case 'gemini':
      return new GeminiStreamDecoder(providerType);
  }
}

function streamEncoder(surface: Surface, opts: StreamOptions): StreamEncoder {
  switch (surface) {
    case 'openai-chat':
      return new OpenAIChatStreamEncoder(opts.requestedModel, opts.includeUsage !== false);
    case 'openai-responses':
      return new ResponsesStreamEncoder(opts.requestedModel, opts.onOutputItems);
    case 'anthropic-messages':
      return new AnthropicStreamEncoder(opts.requestedModel);
    case 'gemini-generate':
      return new GeminiStreamEncoder(opts.requestedModel, opts.jsonArray === true);
    default:
      throw new Error(`${surface} does not stream`);
  }
}

function createStreamTranslator(surface: Surface, providerType: ProviderType, opts: StreamOptions): StreamTranslator {
  const inner = streamTranslator(surface, providerType, opts);
  const scrubber = SecretScrubber.for(opts.secret);
  return scrubber ? new ScrubbingStream(inner, scrubber, !isPassThrough(surface, providerType)) : inner;
}

function streamTranslator(surface: Surface, providerType: ProviderType, opts: StreamOptions): StreamTranslator {
  if (isPassThrough(surface, providerType)) {
    const family = familyOf(providerType);
    if (family === 'openai') {
      // Mistral sends usage on its finish chunk on its own; nothing extra to hide there.
      const hide = opts.includeUsage === false && forcesStreamUsage(providerType, {});
      return new OpenAIPassThrough(providerType, hide, (code, message) => `data: ${JSON.stringify(serializeError('openai', errorForCode(code, message)))}\n\n`);
    }
    if (family === 'anthropic') return new AnthropicPassThrough(providerType, (code, message) => new AnthropicStreamEncoder(opts.requestedModel).fail(code, message));
    return new GeminiPassThrough(providerType, opts.jsonArray === true, opts.requestedModel);
  }
  return new TranslatingStream(streamDecoder(providerType), streamEncoder(surface, opts), opts.singleToolCall === true);
}

/**
 * Whether the client turned parallel tool calls off (OpenAI `parallel_tool_calls: false`, Anthropic
 * `tool_choice.disable_parallel_tool_use`). Families that cannot say so upstream (Gemini) may still
 * answer with several calls; the gateway then keeps the first, as the client asked.
 */
export function singleToolCall(surface: Surface, body: Record<string, unknown>): boolean {
  if (surface === 'anthropic-messages') {
    const tc = body.tool_choice;
    return typeof tc === 'object' && tc !== null && (tc as Record<string, unknown>).disable_parallel_tool_use === true;
  }
  return (surface === 'openai-chat' || surface === 'openai-responses') && body.parallel_tool_calls === false;
}

export const providers: ProviderAdapterApi = {
  buildUpstreamCall,
  translateResponse,
  createStreamTranslator,
  mapUpstreamError,
};

export { buildUpstreamCall, translateResponse, createStreamTranslator, mapUpstreamError };
