/**
 * Endpoints and auth headers of the OpenAI-compatible provider types (OpenAI, Azure OpenAI with
 * its deployments and api-version, Mistral, vLLM and other compatible servers).
 */
import type { UpstreamTarget } from './upstream-target.ts';

/** Azure OpenAI's current GA data-plane version; override with provider config `apiVersion`. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

export type OpenAIEndpoint = 'chat/completions' | 'embeddings';

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function openAIUrl(t: UpstreamTarget, endpoint: OpenAIEndpoint): string {
  const base = trimSlash(t.baseUrl);
  if (t.providerType !== 'AZURE_OPENAI') return `${base}/${endpoint}`;
  // Azure: {resource}/openai/deployments/{deployment}/{endpoint}?api-version=…, or the v1 API
  // ({resource}/openai/v1/{endpoint}, model in the body) when apiVersion is "v1".
  const root = base.replace(/\/openai(\/v1)?$/, '');
  const apiVersion = typeof t.config.apiVersion === 'string' && t.config.apiVersion ? t.config.apiVersion : AZURE_DEFAULT_API_VERSION;
  if (apiVersion === 'v1' || /\/openai\/v1$/.test(base)) return `${root}/openai/v1/${endpoint}`;
  return `${root}/openai/deployments/${encodeURIComponent(azureDeployment(t))}/${endpoint}?api-version=${encodeURIComponent(apiVersion)}`;
}

/** Deployment name: provider config `deployments` maps slugs to deployments; by default the slug is the deployment. */
export function azureDeployment(t: UpstreamTarget): string {
  const map = t.config.deployments;
  if (map && typeof map === 'object' && !Array.isArray(map)) {
    const d = (map as Record<string, unknown>)[t.slug];
    if (typeof d === 'string' && d) return d;
  }
  return t.slug;
}

export function openAIHeaders(t: UpstreamTarget): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json' };
  if (t.providerType === 'AZURE_OPENAI') h['api-key'] = t.apiKey;
  // A local vLLM or Ollama often runs without a key; send none rather than "Bearer ".
  else if (t.apiKey) h.authorization = `Bearer ${t.apiKey}`;
  return h;
}
