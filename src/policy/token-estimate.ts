/**
 * Cheap input-token estimate for reserving tokens-per-minute before the upstream call: about four
 * characters per token for English text and code, the rule of thumb the providers publish. It
 * only has to be roughly right: the reservation is reconciled with the real usage afterwards.
 */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Fields that carry no prompt text (ids, enums) or binary payloads (base64 images, audio, files). */
const SKIP = new Set([
  'model', 'role', 'type', 'id', 'tool_call_id', 'tool_use_id', 'stream', 'stream_options', 'user', 'metadata',
  'image_url', 'url', 'data', 'mime_type', 'mimeType', 'media_type', 'inline_data', 'inlineData', 'file_data',
  'fileData', 'input_audio', 'detail', 'format', 'encoding_format', 'cache_control', 'signature',
]);
/** Per-message framing tokens (role markers, separators). */
const PER_MESSAGE = 4;
const MAX_DEPTH = 32;

/**
 * Estimates the input tokens of a request body in any of the supported wire formats (OpenAI chat
 * and responses, Anthropic messages, Gemini contents, embeddings input): text of every field that
 * reaches the model, plus a small overhead per message.
 */
export function estimateInputTokens(body: unknown): number {
  const acc = { chars: 0, messages: 0 };
  walk(body, acc, 0);
  return Math.ceil(acc.chars / 4) + acc.messages * PER_MESSAGE;
}

function walk(v: unknown, acc: { chars: number; messages: number }, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (typeof v === 'string') {
    acc.chars += v.length;
  } else if (Array.isArray(v)) {
    for (const item of v) walk(item, acc, depth + 1);
  } else if (v !== null && typeof v === 'object') {
    for (const k in v) {
      if (SKIP.has(k)) continue;
      const child = (v as Record<string, unknown>)[k];
      if ((k === 'messages' || k === 'contents') && Array.isArray(child)) acc.messages += child.length;
      walk(child, acc, depth + 1);
    }
  }
}
