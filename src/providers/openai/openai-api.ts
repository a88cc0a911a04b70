/**
 * Endpoints and auth headers of the OpenAI-compatible provider types, and the same-family fast
 * path: an OpenAI-surface body goes up with only `model` replaced (plus include_usage on streams,
 * so usage can be recorded), never re-encoded field by field.
 */
import type { UpstreamTarget } from '../contract.ts';
import type { Json } from '../../canonical/wire-guards.ts';
import { forcesStreamUsage, mistralToolId } from './chat-request-encode.ts';

/** Azure OpenAI's current GA data-plane version; override with provider config `apiVersion`. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

type Endpoint = 'chat/completions' | 'embeddings';

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function openAIUrl(t: UpstreamTarget, endpoint: Endpoint): string {
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

/** OpenAI surface → OpenAI-family provider: the client's body with the upstream slug as model. */
export function passThroughChatBody(body: Json, t: UpstreamTarget, stream: boolean): Json {
  const out: Json = { ...body, model: t.slug };
  if (t.providerType === 'MISTRAL') {
    // Mistral refuses unknown fields and has its own names; its last chunk carries usage anyway.
    delete out.stream_options;
    delete out.user;
    if (Array.isArray(out.messages)) out.messages = mistralMessages(out.messages);
    if (out.max_completion_tokens !== undefined && out.max_tokens === undefined) {
      out.max_tokens = out.max_completion_tokens;
      delete out.max_completion_tokens;
    }
    if (out.seed !== undefined && out.random_seed === undefined) {
      out.random_seed = out.seed;
      delete out.seed;
    }
  } else if (stream && forcesStreamUsage(t.providerType, t.config)) {
    const so = out.stream_options;
    out.stream_options = so && typeof so === 'object' && !Array.isArray(so) ? { ...(so as Json), include_usage: true } : { include_usage: true };
  }
  return out;
}

/** Mistral has no `developer` role and takes only 9-character tool-call ids; everything else is left as written. */
function mistralMessages(messages: unknown[]): unknown[] {
  const needs = messages.some((m) => {
    const msg = m as Json;
    return msg?.role === 'developer' || msg?.role === 'tool' || Array.isArray(msg?.tool_calls);
  });
  if (!needs) return messages;
  return messages.map((m) => {
    const msg = m as Json;
    if (!msg || typeof msg !== 'object') return m;
    if (msg.role === 'developer') return { ...msg, role: 'system' };
    if (msg.role === 'tool' && typeof msg.tool_call_id === 'string') return { ...msg, tool_call_id: mistralToolId(msg.tool_call_id) };
    if (Array.isArray(msg.tool_calls)) {
      return { ...msg, tool_calls: msg.tool_calls.map((c) => (c && typeof c === 'object' && typeof (c as Json).id === 'string' ? { ...(c as Json), id: mistralToolId((c as Json).id as string) } : c)) };
    }
    return m;
  });
}
