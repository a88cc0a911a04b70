/**
 * Canonical embeddings ⇄ Gemini batchEmbedContents. Gemini reports no token usage for embeddings
 * unless the answer carries usageMetadata, so usage is 0 otherwise.
 */
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../canonical/chat.types.ts';
import { badUpstream } from '../translate-context.ts';
import { isRecord, type Json } from '../wire-guards.ts';
import { geminiModelPath } from './model-path.ts';

export function encodeGeminiEmbedRequest(req: EmbeddingsRequest, slug: string): Json {
  const model = decodeURIComponent(geminiModelPath(slug));
  return {
    requests: req.input.map((text) => ({ model, content: { parts: [{ text }] }, ...(req.dimensions !== undefined ? { outputDimensionality: req.dimensions } : {}) })),
  };
}

export function decodeGeminiEmbedResponse(json: unknown): EmbeddingsResponse {
  if (!isRecord(json) || !Array.isArray(json.embeddings)) badUpstream('batchEmbedContents response');
  const vectors = json.embeddings.map((e) => (isRecord(e) && Array.isArray(e.values) ? (e.values as number[]) : badUpstream('embedding')));
  const um = isRecord(json.usageMetadata) ? json.usageMetadata : {};
  const n = typeof um.promptTokenCount === 'number' ? um.promptTokenCount : 0;
  return { model: '', vectors, usage: { inputTokens: n, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 } };
}
