import type { ProviderType } from '../../providers/provider-types.ts';

export interface CatalogModel {
  providerType: ProviderType;
  slug: string;
  name: string;
  type: 'chat' | 'embeddings' | 'image' | 'audio';
  capabilities: string[];
  /** USD per million tokens. */
  pricing: { inputPerMTok: number; outputPerMTok: number; cachedInputPerMTok?: number };
  contextWindow: number;
}

const chat = ['chat', 'streaming', 'tools', 'json_mode'];
const vision = [...chat, 'vision'];

type Row = [slug: string, name: string, type: CatalogModel['type'], caps: string[], input: number, output: number, cached: number | undefined, ctx: number];

const OPENAI: Row[] = [
  ['gpt-5', 'GPT-5', 'chat', [...vision, 'reasoning'], 1.25, 10, 0.125, 400_000],
  ['gpt-5-mini', 'GPT-5 mini', 'chat', [...vision, 'reasoning'], 0.25, 2, 0.025, 400_000],
  ['gpt-5-nano', 'GPT-5 nano', 'chat', [...vision, 'reasoning'], 0.05, 0.4, 0.005, 400_000],
  ['gpt-4.1', 'GPT-4.1', 'chat', vision, 2, 8, 0.5, 1_047_576],
  ['gpt-4.1-mini', 'GPT-4.1 mini', 'chat', vision, 0.4, 1.6, 0.1, 1_047_576],
  ['gpt-4.1-nano', 'GPT-4.1 nano', 'chat', vision, 0.1, 0.4, 0.025, 1_047_576],
  ['gpt-4o', 'GPT-4o', 'chat', vision, 2.5, 10, 1.25, 128_000],
  ['gpt-4o-mini', 'GPT-4o mini', 'chat', vision, 0.15, 0.6, 0.075, 128_000],
  ['o3', 'o3', 'chat', [...vision, 'reasoning'], 2, 8, 0.5, 200_000],
  ['o4-mini', 'o4-mini', 'chat', [...vision, 'reasoning'], 1.1, 4.4, 0.275, 200_000],
  ['text-embedding-3-small', 'Text Embedding 3 Small', 'embeddings', ['embeddings'], 0.02, 0, undefined, 8191],
  ['text-embedding-3-large', 'Text Embedding 3 Large', 'embeddings', ['embeddings'], 0.13, 0, undefined, 8191],
];

const ANTHROPIC: Row[] = [
  ['claude-opus-4-1', 'Claude Opus 4.1', 'chat', [...vision, 'reasoning'], 15, 75, 1.5, 200_000],
  ['claude-sonnet-4-5', 'Claude Sonnet 4.5', 'chat', [...vision, 'reasoning'], 3, 15, 0.3, 200_000],
  ['claude-haiku-4-5', 'Claude Haiku 4.5', 'chat', [...vision, 'reasoning'], 1, 5, 0.1, 200_000],
  ['claude-3-5-haiku-latest', 'Claude 3.5 Haiku', 'chat', vision, 0.8, 4, 0.08, 200_000],
];

const GOOGLE: Row[] = [
  ['gemini-2.5-pro', 'Gemini 2.5 Pro', 'chat', [...vision, 'reasoning'], 1.25, 10, 0.31, 1_048_576],
  ['gemini-2.5-flash', 'Gemini 2.5 Flash', 'chat', [...vision, 'reasoning'], 0.3, 2.5, 0.075, 1_048_576],
  ['gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite', 'chat', vision, 0.1, 0.4, 0.025, 1_048_576],
  ['gemini-embedding-001', 'Gemini Embedding', 'embeddings', ['embeddings'], 0.15, 0, undefined, 2048],
];

const MISTRAL: Row[] = [
  ['mistral-large-latest', 'Mistral Large', 'chat', chat, 2, 6, undefined, 131_072],
  ['mistral-medium-latest', 'Mistral Medium', 'chat', vision, 0.4, 2, undefined, 131_072],
  ['mistral-small-latest', 'Mistral Small', 'chat', vision, 0.1, 0.3, undefined, 131_072],
  ['codestral-latest', 'Codestral', 'chat', chat, 0.3, 0.9, undefined, 256_000],
  ['mistral-embed', 'Mistral Embed', 'embeddings', ['embeddings'], 0.1, 0, undefined, 8192],
];

const OPEN_WEIGHTS: Row[] = [
  ['meta-llama/Llama-3.1-8B-Instruct', 'Llama 3.1 8B Instruct', 'chat', chat, 0, 0, undefined, 131_072],
  ['Qwen/Qwen2.5-7B-Instruct', 'Qwen 2.5 7B Instruct', 'chat', chat, 0, 0, undefined, 32_768],
  ['BAAI/bge-m3', 'BGE-M3', 'embeddings', ['embeddings'], 0, 0, undefined, 8192],
];

function rows(providerType: ProviderType, list: Row[]): CatalogModel[] {
  return list.map(([slug, name, type, capabilities, input, output, cached, contextWindow]) => ({
    providerType, slug, name, type, capabilities,
    pricing: cached === undefined ? { inputPerMTok: input, outputPerMTok: output } : { inputPerMTok: input, outputPerMTok: output, cachedInputPerMTok: cached },
    contextWindow,
  }));
}

export const CATALOG: readonly CatalogModel[] = Object.freeze([
  ...rows('OPENAI', OPENAI),
  ...rows('AZURE_OPENAI', OPENAI),
  ...rows('ANTHROPIC', ANTHROPIC),
  ...rows('GOOGLE', GOOGLE),
  ...rows('MISTRAL', MISTRAL),
  ...rows('VLLM', OPEN_WEIGHTS),
]);
