/**
 * The cheapest authenticated call each provider family offers: listing its models. Used by the
 * admin provider-key test; it costs no tokens and proves the key, the base URL and the network path.
 */
import { AZURE_DEFAULT_API_VERSION, openAIHeaders } from './openai-endpoint.ts';
import { anthropicHeaders } from './anthropic-endpoint.ts';
import { geminiHeaders } from './gemini-endpoint.ts';
import { PROVIDER_TYPE_INFO } from './provider-types.ts';
import type { Endpoint } from './index.ts';
import type { UpstreamTarget } from './upstream-target.ts';

const trim = (url: string) => url.replace(/\/+$/, '');

export function modelsEndpoint(t: UpstreamTarget): Endpoint {
  const base = trim(t.baseUrl);
  switch (PROVIDER_TYPE_INFO[t.providerType].family) {
    case 'anthropic':
      return { url: /\/v1$/.test(base) ? `${base}/models` : `${base}/v1/models`, headers: anthropicHeaders(t) };
    case 'gemini':
      return { url: `${/\/v1(beta|alpha)?$/.test(base) ? base : `${base}/v1beta`}/models`, headers: geminiHeaders(t) };
    default: {
      if (t.providerType !== 'AZURE_OPENAI') return { url: `${base}/models`, headers: openAIHeaders(t) };
      const root = base.replace(/\/openai(\/v1)?$/, '');
      const v = typeof t.config.apiVersion === 'string' && t.config.apiVersion ? t.config.apiVersion : AZURE_DEFAULT_API_VERSION;
      return { url: v === 'v1' ? `${root}/openai/v1/models` : `${root}/openai/models?api-version=${encodeURIComponent(v)}`, headers: openAIHeaders(t) };
    }
  }
}

/** Model ids out of a models-list answer, whichever family wrote it. */
export function modelIdsOf(body: unknown): string[] {
  const b = (body ?? {}) as { data?: unknown; models?: unknown };
  const list = Array.isArray(b.data) ? b.data : Array.isArray(b.models) ? b.models : [];
  return list
    .map((m) => (m as { id?: unknown; name?: unknown }).id ?? (m as { name?: unknown }).name)
    .filter((v): v is string => typeof v === 'string')
    .map((id) => id.replace(/^models\//, ''));
}
