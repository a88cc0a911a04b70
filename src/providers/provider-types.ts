import type { WireFamily } from '../wire/wire-format.ts';

// The provider types an organisation can activate, with the defaults used on activation.
export const PROVIDER_TYPES = ['OPENAI', 'ANTHROPIC', 'GOOGLE', 'AZURE_OPENAI', 'MISTRAL', 'VLLM', 'CUSTOM'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** Wire family: which upstream protocol a provider type speaks (its formats are in src/wire/<family>/). */
export type ProviderFamily = WireFamily;

export interface ProviderTypeInfo {
  type: ProviderType;
  displayName: string;
  family: ProviderFamily;
  /** Base URL set on activation; '' means the operator must supply one. */
  defaultBaseUrl: string;
  defaultTimeoutMs: number;
}

export const PROVIDER_TYPE_INFO: Record<ProviderType, ProviderTypeInfo> = {
  OPENAI: { type: 'OPENAI', displayName: 'OpenAI', family: 'openai', defaultBaseUrl: 'https://api.openai.com/v1', defaultTimeoutMs: 600_000 },
  ANTHROPIC: { type: 'ANTHROPIC', displayName: 'Anthropic', family: 'anthropic', defaultBaseUrl: 'https://api.anthropic.com', defaultTimeoutMs: 600_000 },
  GOOGLE: { type: 'GOOGLE', displayName: 'Google Gemini', family: 'gemini', defaultBaseUrl: 'https://generativelanguage.googleapis.com', defaultTimeoutMs: 600_000 },
  AZURE_OPENAI: { type: 'AZURE_OPENAI', displayName: 'Azure OpenAI', family: 'openai', defaultBaseUrl: '', defaultTimeoutMs: 600_000 },
  MISTRAL: { type: 'MISTRAL', displayName: 'Mistral', family: 'openai', defaultBaseUrl: 'https://api.mistral.ai/v1', defaultTimeoutMs: 600_000 },
  VLLM: { type: 'VLLM', displayName: 'OpenAI-compatible (vLLM, Ollama, LM Studio…)', family: 'openai', defaultBaseUrl: 'http://localhost:8000/v1', defaultTimeoutMs: 600_000 },
  CUSTOM: { type: 'CUSTOM', displayName: 'Custom (OpenAI-compatible)', family: 'openai', defaultBaseUrl: '', defaultTimeoutMs: 600_000 },
};

export function isProviderType(v: unknown): v is ProviderType {
  return typeof v === 'string' && (PROVIDER_TYPES as readonly string[]).includes(v);
}
