/**
 * Gemini streamGenerateContent ⇄ canonical stream events. Each SSE event (alt=sse) is a whole
 * GenerateContentResponse; usageMetadata is cumulative; there is no terminal marker, so a stream
 * is complete once a chunk carried a finishReason and the body ended. Function calls arrive whole,
 * so the encoder holds streamed tool arguments until the call is complete.
 * Output framing is SSE, or the JSON array Gemini sends without alt=sse (`[{…}\n,\r\n{…}]`).
 */
import type { AssistantContent, FinishReason, StreamEvent, Usage } from '../../canonical/chat.types.ts';
import type { StreamDecoder, StreamEncoder } from '../../canonical/stream-codec.ts';
import { badUpstream, parseStreamJson } from '../translate-context.ts';
import { isRecord, type Json } from '../wire-guards.ts';
import { newId, nowSeconds } from '../../canonical/ids.ts';
import { GatewayError, serializeError } from '../../errors/index.ts';
import { errorForCode as toError, streamError } from '../wire-errors.ts';
import { callBaseFor, finishFromGemini, finishToGemini, partsFromGemini, partsToGemini, usageFromGemini, usageToGemini } from './generate-response.ts';

export class GeminiStreamDecoder implements StreamDecoder {
  private usageSeen: Usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  private started = false;
  private callBase = '';
  private calls = 0;
  private finishRaw: unknown = undefined;
  private blocked = false;
  private done = false;

  /** `peer`: the provider's display name, for error messages. */
  constructor(private readonly peer: string) {}

  usage(): Usage {
    return this.usageSeen;
  }

  event(data: string, _name: string, emit: (e: StreamEvent) => void): void {
    const chunk = parseStreamJson(data, 'stream chunk');
    if (chunk.error !== undefined) throw streamError(this.peer, chunk);
    const id = typeof chunk.responseId === 'string' ? chunk.responseId : '';
    if (!this.started) {
      this.started = true;
      this.callBase = callBaseFor(id);
      emit({ type: 'start', id, model: typeof chunk.modelVersion === 'string' ? chunk.modelVersion : '', created: nowSeconds(), usage: usageFromGemini(chunk.usageMetadata) });
    }
    if (isRecord(chunk.usageMetadata)) this.usageSeen = usageFromGemini(chunk.usageMetadata);
    const cand = Array.isArray(chunk.candidates) && isRecord(chunk.candidates[0]) ? chunk.candidates[0] : null;
    if (!cand) {
      if (isRecord(chunk.promptFeedback) && chunk.promptFeedback.blockReason !== undefined) this.blocked = true;
      return;
    }
    const parts = isRecord(cand.content) ? partsFromGemini(cand.content.parts, this.callBase, this.calls) : [];
    for (const p of parts) {
      if (p.type === 'text') emit({ type: 'text', text: p.text });
      else if (p.type === 'reasoning') emit({ type: 'reasoning', text: p.text });
      else {
        const index = this.calls++;
        emit({ type: 'tool_call_start', index, id: p.id, name: p.name });
        emit({ type: 'tool_call_args', index, delta: p.arguments });
      }
    }
    if (cand.finishReason !== undefined && cand.finishReason !== null) this.finishRaw = cand.finishReason;
  }

  end(emit: (e: StreamEvent) => void): void {
    if (this.done) return;
    if (!this.blocked && this.finishRaw === undefined) throw new GatewayError('upstream_error', 'The upstream stream ended before the response was complete');
    if (!this.started) badUpstream('empty stream');
    this.done = true;
    const reason: FinishReason = this.blocked ? 'content_filter' : finishFromGemini(this.finishRaw, this.calls > 0);
    emit({ type: 'finish', reason, usage: this.usageSeen });
  }
}

export class GeminiStreamEncoder implements StreamEncoder {
  private id = '';
  private count = 0;
  private readonly pending: Array<{ id: string; name: string; args: string }> = [];

  constructor(private readonly requestedModel: string, private readonly jsonArray: boolean) {}

  encode(e: StreamEvent): string {
    switch (e.type) {
      case 'start':
        this.id = e.id || newId('');
        return '';
      case 'text':
        return this.flushCalls() + this.chunk([{ text: e.text }]);
      case 'reasoning':
        return this.flushCalls() + this.chunk([{ text: e.text, thought: true }]);
      case 'reasoning_signature':
        return '';
      case 'tool_call_start':
        this.pending.push({ id: e.id, name: e.name, args: '' });
        return '';
      case 'tool_call_args': {
        const call = this.pending[this.pending.length - 1];
        if (call) call.args += e.delta;
        return '';
      }
      case 'finish': {
        const parts = this.takeCalls();
        const cand: Json = { content: { parts: parts.length ? parts : [{ text: '' }], role: 'model' }, finishReason: finishToGemini(e.reason), index: 0 };
        return this.frame({ candidates: [cand], usageMetadata: usageToGemini(e.usage), modelVersion: this.requestedModel, responseId: this.id }) + (this.jsonArray ? ']' : '');
      }
    }
  }

  fail(code: string, message: string): string {
    const body = serializeError('gemini', toError(code, message));
    return this.frame(body) + (this.jsonArray ? ']' : '');
  }

  private takeCalls(): Json[] {
    const calls = this.pending.splice(0);
    const content: AssistantContent[] = calls.map((c) => ({ type: 'tool_call', id: c.id, name: c.name, arguments: c.args || '{}' }));
    return partsToGemini(content);
  }

  private flushCalls(): string {
    return this.pending.length ? this.chunk(this.takeCalls()) : '';
  }

  private chunk(parts: Json[]): string {
    return this.frame({ candidates: [{ content: { parts, role: 'model' }, index: 0 }], modelVersion: this.requestedModel, responseId: this.id });
  }

  private frame(payload: unknown): string {
    const json = JSON.stringify(payload);
    if (!this.jsonArray) return `data: ${json}\r\n\r\n`;
    return (this.count++ === 0 ? '[' : ',\r\n') + json;
  }
}
