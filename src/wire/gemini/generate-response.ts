/**
 * Gemini GenerateContentResponse ⇄ canonical response, with usage and finish-reason maps.
 * Gemini reports STOP even when the turn ends in function calls; canonical says tool_calls then.
 * candidatesTokenCount excludes thinking tokens (thoughtsTokenCount); canonical output includes them.
 */
import type { AssistantContent, ChatResponse, FinishReason, Usage } from '../../canonical/chat.types.ts';
import { badUpstream } from '../translate-context.ts';
import { isRecord, type Json } from '../wire-guards.ts';
import { newId, nowSeconds } from '../../canonical/ids.ts';
import { parseToolInput } from '../anthropic/messages-response.ts';
import { geminiCallId } from './tool-call-ids.ts';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION']);

export function finishFromGemini(v: unknown, hasCalls: boolean): FinishReason {
  if (v === 'STOP') return hasCalls ? 'tool_calls' : 'stop';
  if (v === 'MAX_TOKENS') return 'length';
  if (typeof v === 'string' && FILTERED.has(v)) return 'content_filter';
  return 'other';
}

export function finishToGemini(r: FinishReason): string {
  switch (r) {
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    case 'other':
      return 'OTHER';
    default:
      return 'STOP';
  }
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export function usageFromGemini(u: unknown): Usage {
  if (!isRecord(u)) return { inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  const thoughts = num(u.thoughtsTokenCount);
  return {
    inputTokens: num(u.promptTokenCount) + num(u.toolUsePromptTokenCount),
    outputTokens: num(u.candidatesTokenCount) + thoughts,
    cachedTokens: num(u.cachedContentTokenCount),
    reasoningTokens: thoughts,
  };
}

export function usageToGemini(u: Usage): Json {
  const out: Json = {
    promptTokenCount: u.inputTokens,
    candidatesTokenCount: Math.max(0, u.outputTokens - u.reasoningTokens),
    totalTokenCount: u.inputTokens + u.outputTokens,
  };
  if (u.cachedTokens) out.cachedContentTokenCount = u.cachedTokens;
  if (u.reasoningTokens) out.thoughtsTokenCount = u.reasoningTokens;
  return out;
}

/** Canonical parts of one candidate's content; `callBase` seeds the invented tool-call ids. */
export function partsFromGemini(parts: unknown, callBase: string, firstCall: number): AssistantContent[] {
  const out: AssistantContent[] = [];
  if (!Array.isArray(parts)) return out;
  let n = firstCall;
  for (const p of parts) {
    if (!isRecord(p)) continue;
    const sig = typeof p.thoughtSignature === 'string' ? p.thoughtSignature : undefined;
    if (isRecord(p.functionCall)) {
      const fc = p.functionCall;
      const base = typeof fc.id === 'string' && fc.id ? fc.id : `${callBase}_${n}`;
      n++;
      out.push({ type: 'tool_call', id: geminiCallId(base, sig), name: String(fc.name ?? ''), arguments: JSON.stringify(fc.args ?? {}) });
    } else if (typeof p.text === 'string') {
      if (p.thought === true) out.push({ type: 'reasoning', text: p.text });
      else if (p.text.length) out.push({ type: 'text', text: p.text });
    }
  }
  return out;
}

export function callBaseFor(responseId: string): string {
  return `call_${responseId ? responseId.replace(/[^A-Za-z0-9]/g, '') : newId('').replace(/[^A-Za-z0-9]/g, '')}`;
}

export function decodeGeminiResponse(json: unknown): ChatResponse {
  if (!isRecord(json)) badUpstream('generateContent response');
  const id = typeof json.responseId === 'string' ? json.responseId : '';
  const cand = Array.isArray(json.candidates) && isRecord(json.candidates[0]) ? json.candidates[0] : null;
  const content = cand && isRecord(cand.content) ? partsFromGemini(cand.content.parts, callBaseFor(id), 0) : [];
  const blocked = !cand && isRecord(json.promptFeedback) && json.promptFeedback.blockReason !== undefined;
  if (!cand && !blocked) badUpstream('generateContent response (no candidates)');
  return {
    id,
    model: typeof json.modelVersion === 'string' ? json.modelVersion : '',
    created: nowSeconds(),
    content,
    finishReason: blocked ? 'content_filter' : finishFromGemini(cand?.finishReason, content.some((p) => p.type === 'tool_call')),
    usage: usageFromGemini(json.usageMetadata),
  };
}

/** Canonical assistant content → Gemini parts (tool-call ids ride along as functionCall.id). */
export function partsToGemini(content: AssistantContent[]): Json[] {
  const parts: Json[] = [];
  for (const p of content) {
    if (p.type === 'text') parts.push({ text: p.text });
    else if (p.type === 'reasoning') {
      if (p.text) parts.push({ text: p.text, thought: true });
    } else parts.push({ functionCall: { id: p.id, name: p.name, args: parseToolInput(p.arguments) } });
  }
  return parts;
}

export function encodeGeminiResponse(r: ChatResponse, requestedModel: string): Json {
  return {
    candidates: [{ content: { parts: partsToGemini(r.content), role: 'model' }, finishReason: finishToGemini(r.finishReason), index: 0 }],
    usageMetadata: usageToGemini(r.usage),
    modelVersion: requestedModel,
    responseId: r.id || newId(''),
  };
}
