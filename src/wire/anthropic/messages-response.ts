/**
 * Anthropic Messages response ⇄ canonical response, with the usage and stop-reason maps.
 * Anthropic's input_tokens excludes cache reads and writes; canonical input counts them all.
 */
import type { AssistantContent, ChatResponse, FinishReason, Usage } from '../../canonical/chat.types.ts';
import { badUpstream } from '../translate-context.ts';
import { isRecord, parseArguments, type Json } from '../wire-guards.ts';
import { nowSeconds } from '../../canonical/ids.ts';

export function finishFromAnthropic(v: unknown): FinishReason {
  switch (v) {
    case 'end_turn':
    case 'pause_turn':
      return 'stop';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

export function finishToAnthropic(r: FinishReason): string {
  switch (r) {
    case 'stop_sequence':
      return 'stop_sequence';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Canonical usage from an Anthropic usage object (message, message_start or cumulative message_delta). */
export function usageFromAnthropic(u: unknown, prev?: Usage): Usage {
  if (!isRecord(u)) return prev ?? { inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  const hasInput = u.input_tokens !== undefined && u.input_tokens !== null;
  const cacheRead = u.cache_read_input_tokens ?? null;
  const cacheWrite = u.cache_creation_input_tokens ?? null;
  const cached = cacheRead !== null ? num(cacheRead) : prev?.cachedTokens ?? 0;
  const input = hasInput ? num(u.input_tokens) + num(cacheRead) + num(cacheWrite) : prev?.inputTokens ?? 0;
  const details = isRecord(u.output_tokens_details) ? u.output_tokens_details : null;
  return {
    inputTokens: input,
    outputTokens: u.output_tokens !== undefined && u.output_tokens !== null ? num(u.output_tokens) : prev?.outputTokens ?? 0,
    cachedTokens: cached,
    reasoningTokens: details ? num(details.thinking_tokens) : prev?.reasoningTokens ?? 0,
  };
}

export function usageToAnthropic(u: Usage): Json {
  return { input_tokens: Math.max(0, u.inputTokens - u.cachedTokens), cache_creation_input_tokens: 0, cache_read_input_tokens: u.cachedTokens, output_tokens: u.outputTokens };
}

export function decodeAnthropicResponse(json: unknown): ChatResponse {
  if (!isRecord(json) || !Array.isArray(json.content)) badUpstream('message (no content)');
  const content: AssistantContent[] = [];
  for (const b of json.content) {
    if (!isRecord(b)) continue;
    if (b.type === 'text' && typeof b.text === 'string') content.push({ type: 'text', text: b.text });
    else if (b.type === 'tool_use') content.push({ type: 'tool_call', id: String(b.id ?? ''), name: String(b.name ?? ''), arguments: JSON.stringify(b.input ?? {}) });
    else if (b.type === 'thinking' && typeof b.thinking === 'string') content.push({ type: 'reasoning', text: b.thinking, ...(typeof b.signature === 'string' ? { signature: b.signature } : {}) });
    else if (b.type === 'redacted_thinking' && typeof b.data === 'string') content.push({ type: 'reasoning', text: '', redacted: b.data });
  }
  return {
    id: typeof json.id === 'string' ? json.id : '',
    model: typeof json.model === 'string' ? json.model : '',
    created: nowSeconds(),
    content,
    finishReason: finishFromAnthropic(json.stop_reason),
    stopSequence: typeof json.stop_sequence === 'string' ? json.stop_sequence : null,
    usage: usageFromAnthropic(json.usage),
  };
}

export function anthropicMessageId(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id}`;
}

export function encodeAnthropicResponse(r: ChatResponse, requestedModel: string): Json {
  const content: Json[] = [];
  for (const p of r.content) {
    if (p.type === 'text') content.push({ type: 'text', text: p.text });
    else if (p.type === 'tool_call') content.push({ type: 'tool_use', id: p.id, name: p.name, input: parseToolInput(p.arguments) });
    else if (p.redacted !== undefined) content.push({ type: 'redacted_thinking', data: p.redacted });
    else content.push({ type: 'thinking', thinking: p.text, signature: p.signature ?? '' });
  }
  return {
    id: anthropicMessageId(r.id),
    type: 'message',
    role: 'assistant',
    model: requestedModel,
    content,
    stop_reason: finishToAnthropic(r.finishReason),
    stop_sequence: r.stopSequence ?? null,
    usage: usageToAnthropic(r.usage),
  };
}

/** Tool arguments produced by another model: invalid JSON is the upstream's fault, not the client's. */
export function parseToolInput(args: string): Json {
  try {
    return parseArguments(args, 'tool call arguments');
  } catch {
    badUpstream('tool call (arguments are not a JSON object)');
  }
}
