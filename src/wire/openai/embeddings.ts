/**
 * OpenAI embeddings request/response ⇄ canonical, for embeddings served by a non-OpenAI family
 * (Gemini). Token-array inputs cannot be sent to another tokenizer and are refused.
 */
import type { EmbeddingsRequest, EmbeddingsResponse, Usage } from '../../canonical/chat.types.ts';
import { invalid, unsupported, type TranslateContext } from '../translate-context.ts';
import { isRecord, optInteger, optString, refuseUnknownFields, type Json } from '../wire-guards.ts';

const KNOWN = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user']);

export function decodeOpenAIEmbeddingsRequest(body: Json, ctx: TranslateContext): EmbeddingsRequest {
  refuseUnknownFields(body, KNOWN, ctx.peer);
  const raw = body.input;
  let input: string[];
  if (typeof raw === 'string') input = [raw];
  else if (Array.isArray(raw) && raw.length > 0 && raw.every((s) => typeof s === 'string')) input = raw as string[];
  else if (Array.isArray(raw) && raw.length > 0) unsupported(ctx, 'token-array embedding input', 'input');
  else invalid('input must be a string or a non-empty array of strings', 'input');
  const format = optString(body, 'encoding_format');
  if (format !== undefined && format !== 'float' && format !== 'base64') invalid('encoding_format must be float or base64', 'encoding_format');
  const req: EmbeddingsRequest = { input, encodingFormat: format === 'base64' ? 'base64' : 'float' };
  const dimensions = optInteger(body, 'dimensions');
  if (dimensions !== undefined) req.dimensions = dimensions;
  const user = optString(body, 'user');
  if (user) req.user = user;
  return req;
}

/** base64 embeddings are little-endian float32 arrays, as OpenAI returns them. */
function toBase64(v: number[]): string {
  const buf = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}

export function encodeOpenAIEmbeddingsResponse(r: EmbeddingsResponse, format: 'float' | 'base64', requestedModel: string): Json {
  return {
    object: 'list',
    data: r.vectors.map((v, index) => ({ object: 'embedding', index, embedding: format === 'base64' ? toBase64(v) : v })),
    model: requestedModel,
    usage: { prompt_tokens: r.usage.inputTokens, total_tokens: r.usage.inputTokens },
  };
}

export function usageFromOpenAIEmbeddings(json: unknown): Usage {
  const u = isRecord(json) && isRecord(json.usage) ? json.usage : {};
  const n = typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0;
  return { inputTokens: n, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
}
