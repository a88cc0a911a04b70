// Upstream targets and a call helper shared by the adapter unit tests.
import type { IngressFormat } from '../wire/wire-format.ts';
import type { UpstreamTarget } from '../providers/index.ts';
import type { ProviderType } from '../providers/provider-types.ts';
import * as providers from './translate.ts';

export const TEST_KEY = 'sk-unit-provider-key';

export function target(type: ProviderType, slug = 'upstream-model', config: Record<string, unknown> = {}): UpstreamTarget {
  const base: Record<ProviderType, string> = {
    OPENAI: 'https://api.openai.com/v1', AZURE_OPENAI: 'https://res.openai.azure.com', MISTRAL: 'https://api.mistral.ai/v1', VLLM: 'http://localhost:8000/v1',
    CUSTOM: 'https://llm.example.com/v1', ANTHROPIC: 'https://api.anthropic.com', GOOGLE: 'https://generativelanguage.googleapis.com',
  };
  return { providerType: type, baseUrl: base[type], apiKey: TEST_KEY, slug, config };
}

/** buildUpstreamCall with the body parsed back, for assertions. */
export function upstreamBody(surface: IngressFormat, body: Record<string, unknown>, type: ProviderType, opts: { stream?: boolean; slug?: string; config?: Record<string, unknown> } = {}): any {
  const call = providers.buildUpstreamCall(surface, body, target(type, opts.slug, opts.config), { stream: opts.stream ?? false, requestedModel: 'odock-model' });
  return JSON.parse(call.body);
}
