import type { ProviderType } from './provider-types.ts';

// Short names used in client-facing messages ("… is not supported when the model is served by Anthropic").
const NAMES: Record<ProviderType, string> = {
  OPENAI: 'OpenAI',
  AZURE_OPENAI: 'Azure OpenAI',
  MISTRAL: 'Mistral',
  VLLM: 'an OpenAI-compatible server',
  CUSTOM: 'a custom OpenAI-compatible provider',
  ANTHROPIC: 'Anthropic',
  GOOGLE: 'Google Gemini',
};

export function peerName(type: ProviderType): string {
  return NAMES[type] ?? type;
}
