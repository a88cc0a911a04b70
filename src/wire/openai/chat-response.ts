/**
 * OpenAI Chat Completions response ⇄ canonical response, plus the usage and finish-reason maps the
 * stream transforms share. Non-standard `reasoning_content` (vLLM, DeepSeek, Ollama) carries
 * reasoning text on OpenAI-compatible servers; OpenAI itself never returns reasoning text.
 */
import type { AssistantContent, ChatResponse, FinishReason, Usage } from '../../canonical/chat.types.ts';
import { badUpstream } from '../translate-context.ts';
import { isRecord, type Json } from '../wire-guards.ts';
import { nowSeconds } from '../../canonical/ids.ts';

export function finishFromOpenAI(v: unknown): FinishReason {
  switch (v) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'other';
  }
}

export function finishToOpenAI(r: FinishReason): string {
  switch (r) {
    case 'length':
      return 'length';
    case 'tool_calls':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export function usageFromOpenAI(u: unknown): Usage {
  if (!isRecord(u)) return { inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  const pd = isRecord(u.prompt_tokens_details) ? u.prompt_tokens_details : {};
  const cd = isRecord(u.completion_tokens_details) ? u.completion_tokens_details : {};
  return { inputTokens: num(u.prompt_tokens), outputTokens: num(u.completion_tokens), cachedTokens: num(pd.cached_tokens), reasoningTokens: num(cd.reasoning_tokens) };
}

export function usageToOpenAI(u: Usage): Json {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedTokens },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  };
}

export function decodeOpenAIChatResponse(json: unknown): ChatResponse {
  if (!isRecord(json) || !Array.isArray(json.choices) || !isRecord(json.choices[0])) badUpstream('chat completion (no choices)');
  const choice = json.choices[0] as Json;
  const msg = isRecord(choice.message) ? choice.message : {};
  const content: AssistantContent[] = [];
  const reasoning = typeof msg.reasoning_content === 'string' ? msg.reasoning_content : typeof msg.reasoning === 'string' ? msg.reasoning : '';
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  if (typeof msg.content === 'string' && msg.content.length) content.push({ type: 'text', text: msg.content });
  else if (typeof msg.refusal === 'string' && msg.refusal.length) content.push({ type: 'text', text: msg.refusal });
  if (Array.isArray(msg.tool_calls)) {
    for (const tc of msg.tool_calls) {
      if (!isRecord(tc) || !isRecord(tc.function)) continue;
      content.push({ type: 'tool_call', id: String(tc.id ?? ''), name: String(tc.function.name ?? ''), arguments: typeof tc.function.arguments === 'string' ? tc.function.arguments : '{}' });
    }
  }
  return {
    id: typeof json.id === 'string' ? json.id : '',
    model: typeof json.model === 'string' ? json.model : '',
    created: typeof json.created === 'number' ? json.created : nowSeconds(),
    content,
    finishReason: finishFromOpenAI(choice.finish_reason),
    usage: usageFromOpenAI(json.usage),
  };
}

export function openAIChatId(id: string): string {
  return id.startsWith('chatcmpl-') ? id : `chatcmpl-${id}`;
}

export function encodeOpenAIChatResponse(r: ChatResponse, requestedModel: string): Json {
  const text = r.content.filter((p) => p.type === 'text').map((p) => p.text).join('');
  const reasoning = r.content.filter((p) => p.type === 'reasoning').map((p) => p.text).join('');
  const calls = r.content.filter((p) => p.type === 'tool_call');
  const message: Json = { role: 'assistant', content: text.length || calls.length === 0 ? text : null, refusal: null, annotations: [] };
  if (reasoning) message.reasoning_content = reasoning;
  if (calls.length) message.tool_calls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  return {
    id: openAIChatId(r.id),
    object: 'chat.completion',
    created: r.created,
    model: requestedModel,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishToOpenAI(r.finishReason) }],
    usage: usageToOpenAI(r.usage),
  };
}
