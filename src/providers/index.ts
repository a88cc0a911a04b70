/**
 * Provider types → how to reach them: the wire family they speak (src/wire), their endpoint URL
 * and header rules (including config such as Azure's api-version and deployments), and how their
 * error answers map to catalogued errors. Nothing here knows which format the client spoke: the
 * composition lives in src/gateway/translate.ts.
 */
import type { WireFamily } from '../wire/wire-format.ts';
import { PROVIDER_TYPE_INFO, type ProviderType } from './provider-types.ts';
import type { UpstreamTarget } from './upstream-target.ts';
import { peerName } from './peer-names.ts';
import { mapUpstreamError } from './upstream-errors.ts';
import { openAIHeaders, openAIUrl } from './openai-endpoint.ts';
import { anthropicHeaders, anthropicUrl } from './anthropic-endpoint.ts';
import { geminiHeaders, geminiUrl } from './gemini-endpoint.ts';

export type { UpstreamTarget };

export interface Endpoint {
  url: string;
  /** Content type and the provider's auth header (the key never goes in the URL). */
  headers: Record<string, string>;
}

/** Endpoint rules of one wire family's providers. */
export interface FamilyEndpoints {
  /** The chat endpoint. `relayed`: client headers the format relays on the same-format path. */
  chat(t: UpstreamTarget, stream: boolean, relayed: Record<string, string>): Endpoint;
  /** Absent: the family serves no embeddings. */
  embeddings?(t: UpstreamTarget): Endpoint;
}

export const FAMILY_ENDPOINTS: Readonly<Record<WireFamily, FamilyEndpoints>> = {
  openai: {
    chat: (t) => ({ url: openAIUrl(t, 'chat/completions'), headers: openAIHeaders(t) }),
    embeddings: (t) => ({ url: openAIUrl(t, 'embeddings'), headers: openAIHeaders(t) }),
  },
  anthropic: {
    chat: (t, _stream, relayed) => ({ url: anthropicUrl(t), headers: anthropicHeaders(t, relayed) }),
  },
  gemini: {
    // The model travels in the URL; streams are always requested as SSE (alt=sse).
    chat: (t, stream) => ({ url: geminiUrl(t, stream ? 'streamGenerateContent' : 'generateContent'), headers: geminiHeaders(t) }),
    embeddings: (t) => ({ url: geminiUrl(t, 'batchEmbedContents'), headers: geminiHeaders(t) }),
  },
};

export interface ProviderAdapter {
  type: ProviderType;
  family: WireFamily;
  /** Display name used in client-facing messages ("… when the model is served by Anthropic"). */
  peer: string;
  endpoints: FamilyEndpoints;
}

export function providerAdapter(type: ProviderType): ProviderAdapter {
  const family = PROVIDER_TYPE_INFO[type].family;
  return { type, family, peer: peerName(type), endpoints: FAMILY_ENDPOINTS[family] };
}

export function familyOf(type: ProviderType): WireFamily {
  return PROVIDER_TYPE_INFO[type].family;
}

/** Map an upstream non-2xx answer to a catalogued GatewayError (429 keeps Retry-After). Never echoes URLs or keys;
 *  pass the provider key as `apiKey` so it is scrubbed even if the upstream quotes it. */
export { mapUpstreamError };
