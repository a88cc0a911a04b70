import type { ModelRoute } from '../../access/org-routes.ts';
import type { Usage } from '../../canonical/usage.types.ts';
import type { IngressFormat } from '../../wire/wire-format.ts';
import type { SpanHandle } from './span-handle.ts';

// GenAI semantic conventions (gen_ai.*): names of systems and operations as the conventions spell them.
const SYSTEM: Record<string, string> = {
  OPENAI: 'openai', ANTHROPIC: 'anthropic', GOOGLE: 'gcp.gemini', AZURE_OPENAI: 'az.ai.openai', MISTRAL: 'mistral_ai',
};
const OPERATION: Record<IngressFormat, string> = {
  'openai-chat': 'chat', 'openai-responses': 'chat', 'anthropic-messages': 'chat', 'openai-embeddings': 'embeddings', 'gemini-generate': 'generate_content',
};

/** Once the model is resolved: what is called, never what is said (no prompt, no completion, no key). */
export function traceRoute(span: SpanHandle | undefined, format: IngressFormat, requestedModel: unknown, route: ModelRoute): void {
  if (!span) return;
  const system = SYSTEM[route.provider.type] ?? route.provider.type.toLowerCase();
  span.setAttributes({
    'gen_ai.operation.name': OPERATION[format], 'gen_ai.system': system, 'gen_ai.provider.name': system,
    'gen_ai.request.model': typeof requestedModel === 'string' ? requestedModel.slice(0, 200) : undefined,
    'gen_ai.response.model': route.slug, 'odock.model_id': route.modelId, 'odock.provider_id': route.provider.id,
  });
}

/** The client span of the upstream call; its traceparent goes upstream in the request headers. */
export function startUpstreamSpan(span: SpanHandle | undefined, route: ModelRoute, headers: Record<string, string>): SpanHandle | undefined {
  if (!span) return undefined;
  let host: string | undefined;
  try {
    host = new URL(route.provider.baseUrl).hostname;
  } catch { /* no attribute */ }
  const child = span.startChild('gateway.upstream', { 'server.address': host, 'gen_ai.system': SYSTEM[route.provider.type] ?? route.provider.type.toLowerCase(), 'gen_ai.request.model': route.slug }, 'client');
  headers.traceparent = child.traceparent;
  return child;
}

/** At the end of the call: token usage, status and error code on the call's span. */
export function traceOutcome(span: SpanHandle | undefined, usage: Usage, status: number, errorCode: string | null, auth?: { orgId: string; keyId: string }): void {
  if (!span) return;
  span.setAttributes({
    'gen_ai.usage.input_tokens': usage.inputTokens, 'gen_ai.usage.output_tokens': usage.outputTokens,
    'odock.status': status, 'odock.organisation_id': auth?.orgId, 'odock.api_key_id': auth?.keyId,
    ...(errorCode ? { 'error.type': errorCode } : {}),
  });
}
