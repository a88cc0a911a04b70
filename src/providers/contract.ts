/**
 * The boundary between the gateway routes (src/surfaces/*) and the provider adapters
 * (src/providers/<name>/). Routes authenticate, authorise and apply policies; then they
 * hand the client's parsed body to `buildUpstreamCall`, send it with undici, and feed the
 * upstream answer back through `translateResponse` or a `StreamTranslator`.
 * Same-family routes (OpenAI surface → OpenAI-compatible provider) must stay cheap:
 * only the model is rewritten on the way up, and stream bytes go out unchanged.
 */
import type { ProviderType } from './provider-types.ts';

/** The ingress formats a client can speak. */
export type Surface = 'openai-chat' | 'openai-responses' | 'openai-embeddings' | 'anthropic-messages' | 'gemini-generate';

export interface UpstreamTarget {
  providerType: ProviderType;
  baseUrl: string;          // provider.baseUrl, no trailing slash
  apiKey: string;           // the decrypted provider key, in memory only
  slug: string;             // the model's upstream id
  config: Record<string, unknown>; // provider.config (e.g. Azure apiVersion, deployment map)
}

export interface UpstreamCall {
  method: 'POST';
  url: string;              // absolute URL
  headers: Record<string, string>; // includes the provider's auth header and content-type
  body: string;
  /** Whether the upstream answers with a stream (SSE or Gemini JSON array). */
  stream: boolean;
}

/**
 * Token counts in OpenAI's convention, whatever the provider: inputTokens is the whole prompt
 * (cached tokens included), outputTokens the whole completion (reasoning included);
 * cachedTokens ⊂ inputTokens and reasoningTokens ⊂ outputTokens.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

export interface TranslatedResponse {
  /** JSON body to send to the client, in the surface's format. */
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
  /** Bytes of an error event in the surface's stream format (no [DONE] follows). Returns only the
   *  closing bytes ('' or a JSON array's `]`) when the client already received the upstream's own
   *  error event (same-family pass-through), so it never gets two. */
  fail(code: string, message: string): string;
  /** Usage seen so far (complete after end()). */
  usage(): Usage;
  /** True once the first content token was emitted (for time-to-first-token). */
  readonly started: boolean;
}

export interface BuildCallOptions {
  stream: boolean;
  requestedModel: string;
  /** The client's request headers; only `anthropic-beta` is read (forwarded on the Anthropic→Anthropic path). */
  clientHeaders?: Record<string, string | string[] | undefined>;
  /** The smallest payload.max_tokens of the policy stack (PolicyHandle.maxTokensCap): the output budget
   *  sent upstream never exceeds it, and is set to it when the client named none. */
  maxOutputTokens?: number;
}

export interface TranslateOptions {
  requestedModel: string;
  /** openai-embeddings only: the client's `encoding_format` (float unless 'base64'), needed when
   *  a non-OpenAI provider answered. Pass the request body's value. */
  encodingFormat?: unknown;
  /** The client disabled parallel tool calls (see `singleToolCall`): only the first call is returned. */
  singleToolCall?: boolean;
}

export interface StreamOptions {
  requestedModel: string;
  /** openai-chat only: whether the client asked for `stream_options.include_usage`. The gateway
   *  always asks the upstream for usage; when this is false the usage-only chunk is withheld.
   *  Default true (forward it). Pass `body.stream_options?.include_usage === true`. */
  includeUsage?: boolean;
  /** gemini-generate only: the client called :streamGenerateContent without `alt=sse` and wants
   *  Gemini's JSON-array stream. Default false (SSE). */
  jsonArray?: boolean;
  /** As in TranslateOptions: only the first tool call is streamed. */
  singleToolCall?: boolean;
  /** openai-responses only: called with the response's output items when it completes. */
  onOutputItems?: (output: unknown[]) => void;
  /** The decrypted provider key used for the call: scrubbed from everything the upstream sends
   *  (relayed bytes, error events and the messages built from them). */
  secret?: string;
}

export interface ProviderAdapterApi {
  /** Throws GatewayError('invalid_request', '… names the feature …') for what the target cannot express. */
  buildUpstreamCall(surface: Surface, body: Record<string, unknown>, target: UpstreamTarget, opts: BuildCallOptions): UpstreamCall;
  /** Same-family answers come back as the very object given (routes may then send the upstream bytes as they are). */
  translateResponse(surface: Surface, providerType: ProviderType, upstreamJson: unknown, opts: TranslateOptions): TranslatedResponse;
  createStreamTranslator(surface: Surface, providerType: ProviderType, opts: StreamOptions): StreamTranslator;
  /** Map an upstream non-2xx answer to a catalogued GatewayError (429 keeps Retry-After). Never echoes URLs or keys;
   *  pass the provider key as `apiKey` so it is scrubbed even if the upstream quotes it. */
  mapUpstreamError(providerType: ProviderType, status: number, headers: Record<string, string | string[] | undefined>, bodyText: string, apiKey?: string): Error;
}
