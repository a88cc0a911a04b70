/**
 * One wire format = both directions of one API shape, behind one interface. The `ingress` side is
 * what the gateway needs when a client speaks the format; the `upstream` side when a provider does.
 * A format may have one side only (OpenAI Responses is served, never sent upstream; Gemini
 * batchEmbedContents is sent, never served). src/gateway/translate.ts composes them: same format
 * on both sides is a pass-through (the client's body with the model swapped, the upstream's answer
 * and stream bytes as they are); anything else goes ingress.decode → canonical → upstream.encode
 * and back. Formats know nothing of provider types, URLs or keys (src/providers does).
 */
import type { ChatRequest, ChatResponse, EmbeddingsRequest, EmbeddingsResponse } from '../canonical/chat.types.ts';
import type { Usage } from '../canonical/usage.types.ts';
import type { StreamDecoder, StreamEncoder } from '../canonical/stream-codec.ts';
import type { TranslateContext } from './translate-context.ts';
import type { Json } from './wire-guards.ts';

/** The families of wire formats; every provider type speaks one (src/providers/provider-types.ts). */
export type WireFamily = 'openai' | 'anthropic' | 'gemini';

/** The formats a client can speak (the ingress formats), also the metrics and usage `surface` label. */
export type IngressFormat = 'openai-chat' | 'openai-responses' | 'openai-embeddings' | 'anthropic-messages' | 'gemini-generate';
export type WireFormatName = IngressFormat | 'gemini-embed';

/** What an upstream encoder needs to know about where the request goes. */
export interface WireTarget {
  /** The model's upstream id. */
  slug: string;
  /** The provider type's name: families with dialects (the OpenAI-compatible servers) key their table by it. */
  dialect: string;
  /** provider.config (e.g. Anthropic defaultMaxTokens, OpenAI streamUsage). */
  config: Record<string, unknown>;
}

export interface TranslatedResponse {
  /** JSON body to send to the client, in the ingress format. */
  body: unknown;
  usage: Usage;
}

export interface StreamTranslator {
  /** Feed raw upstream bytes (any split), or text already decoded from them; returns bytes to write to
   *  the client now ('' if none). After the upstream stream carried an error event, the next push()
   *  throws that error (mapped). */
  push(chunk: Buffer | string): string;
  /** Upstream body ended. Returns the closing bytes (e.g. `data: [DONE]`) when the upstream finished
   *  properly; throws GatewayError('upstream_error') if it ended without its terminal event, or the
   *  mapped error when the upstream stream reported one. */
  end(): string;
  /** Bytes of an error event in the ingress format (no [DONE] follows). Returns only the closing
   *  bytes ('' or a JSON array's `]`) when the client already received the upstream's own error
   *  event (same-format pass-through), so it never gets two. */
  fail(code: string, message: string): string;
  /** Usage seen so far (complete after end()). */
  usage(): Usage;
  /** True once the first content token was emitted (for time-to-first-token). */
  readonly started: boolean;
}

/** Options of a client's stream, read from its request (see gateway/translate.ts StreamOptions). */
export interface StreamEncoderOptions {
  requestedModel: string;
  /** openai-chat: the client asked for `stream_options.include_usage` (default true). */
  includeUsage?: boolean;
  /** gemini-generate: the client wants Gemini's JSON-array stream instead of SSE. */
  jsonArray?: boolean;
  /** openai-responses: called with the response's output items when it completes. */
  onOutputItems?: (output: unknown[]) => void;
}

export interface PassThroughStreamOptions extends StreamEncoderOptions {
  /** Display name of the provider, for error messages ("Anthropic reported an error mid-stream"). */
  peer: string;
  dialect: string;
}

/** A chat format as a client speaks it. */
export interface ChatIngress {
  decodeRequest(body: Json, ctx: TranslateContext): ChatRequest;
  encodeResponse(r: ChatResponse, requestedModel: string): Json;
  streamEncoder(o: StreamEncoderOptions): StreamEncoder;
  /** Whether the client turned parallel tool calls off (then only the first call is returned). */
  singleToolCall(body: Json): boolean;
}

/** A chat format as a provider speaks it. */
export interface ChatUpstream {
  /** Same format on both sides: the client's body as it goes upstream (model swapped, dialect fixes). */
  passThroughBody(body: Json, t: WireTarget, stream: boolean): Json;
  /** Client headers relayed on the pass-through path only (they qualify a body written for this format). */
  readonly relayedHeaders: readonly string[];
  encodeRequest(req: ChatRequest, t: WireTarget, ctx: TranslateContext): Json;
  decodeResponse(json: unknown): ChatResponse;
  /** Usage of an answer relayed as it is. */
  usageOf(json: unknown): Usage;
  streamDecoder(peer: string): StreamDecoder;
  /** Relays the upstream's stream bytes, watching them for usage, errors and the terminal event. */
  passThroughStream(o: PassThroughStreamOptions): StreamTranslator;
  /** The payload.max_tokens cap applied to a body in this format (a copy); see output-budget.ts. */
  capOutputTokens(body: Json, cap: number, clientSet: boolean, dialect: string): Json;
  /** The output budget a call carries when neither client nor policy names one (the policy step reserves it). */
  defaultOutputTokens(config: Record<string, unknown>): number | undefined;
}

export interface EmbeddingsIngress {
  decodeRequest(body: Json, ctx: TranslateContext): EmbeddingsRequest;
  encodeResponse(r: EmbeddingsResponse, encodingFormat: 'float' | 'base64', requestedModel: string): Json;
}

export interface EmbeddingsUpstream {
  passThroughBody(body: Json, t: WireTarget): Json;
  usageOf(json: unknown): Usage;
  /** Absent when no other format's embeddings can be sent this way yet. */
  encodeRequest?(req: EmbeddingsRequest, t: WireTarget): Json;
  decodeResponse?(json: unknown): EmbeddingsResponse;
}

interface FormatBase {
  readonly name: WireFormatName;
  readonly family: WireFamily;
}

export interface ChatWireFormat extends FormatBase {
  readonly kind: 'chat';
  readonly ingress?: ChatIngress;
  readonly upstream?: ChatUpstream;
}

export interface EmbeddingsWireFormat extends FormatBase {
  readonly kind: 'embeddings';
  readonly ingress?: EmbeddingsIngress;
  readonly upstream?: EmbeddingsUpstream;
}

export type WireFormat = ChatWireFormat | EmbeddingsWireFormat;
