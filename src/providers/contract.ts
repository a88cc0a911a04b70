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
  /** Feed raw upstream bytes (any split); returns bytes to write to the client now ('' if none). */
  push(chunk: Buffer): string;
  /** Upstream body ended. Returns the closing bytes (e.g. `data: [DONE]`) when the upstream finished
   *  properly; throws GatewayError('upstream_error') if it ended without its terminal event. */
  end(): string;
  /** Bytes of an error event in the surface's stream format (no [DONE] follows). */
  fail(code: string, message: string): string;
  /** Usage seen so far (complete after end()). */
  usage(): Usage;
  /** True once the first content token was emitted (for time-to-first-token). */
  readonly started: boolean;
}

export interface ProviderAdapterApi {
  /** Throws GatewayError('invalid_request', '… names the feature …') for what the target cannot express. */
  buildUpstreamCall(surface: Surface, body: Record<string, unknown>, target: UpstreamTarget, opts: { stream: boolean; requestedModel: string }): UpstreamCall;
  translateResponse(surface: Surface, providerType: ProviderType, upstreamJson: unknown, opts: { requestedModel: string }): TranslatedResponse;
  createStreamTranslator(surface: Surface, providerType: ProviderType, opts: { requestedModel: string }): StreamTranslator;
  /** Map an upstream non-2xx answer to a catalogued GatewayError (429 keeps Retry-After). Never echoes URLs or keys. */
  mapUpstreamError(providerType: ProviderType, status: number, headers: Record<string, string | string[] | undefined>, bodyText: string): Error;
}
