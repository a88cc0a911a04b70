/**
 * OpenAI Chat Completions SSE ⇄ canonical stream events.
 * Upstream order (with stream_options.include_usage): a role chunk, content / tool_call deltas, a
 * chunk with finish_reason, a usage chunk with `choices: []`, then `data: [DONE]`. Mistral puts
 * usage on the finish chunk instead; both are read. The canonical `finish` goes out at [DONE] so
 * it carries the usage.
 */
import type { FinishReason, StreamEvent, Usage } from '../../canonical/chat.types.ts';
import type { StreamDecoder, StreamEncoder } from '../../canonical/stream-codec.ts';
import { badUpstream, parseStreamJson } from '../translate-context.ts';
import { isRecord, type Json } from '../wire-guards.ts';
import { nowSeconds } from '../../canonical/ids.ts';
import { GatewayError, serializeError } from '../../errors/index.ts';
import { errorForCode as toError, streamError } from '../wire-errors.ts';
import { finishFromOpenAI, finishToOpenAI, openAIChatId, usageFromOpenAI, usageToOpenAI } from './chat-response.ts';

const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };

export class OpenAIChatStreamDecoder implements StreamDecoder {
  private started = false;
  private finish: FinishReason | null = null;
  private done = false;
  private usageSeen: Usage = NO_USAGE;
  private readonly toolIndexes = new Set<number>();

  /** `peer`: the provider's display name, for error messages. */
  constructor(private readonly peer: string) {}

  usage(): Usage {
    return this.usageSeen;
  }

  event(data: string, _name: string, emit: (e: StreamEvent) => void): void {
    if (this.done) return;
    if (data === '[DONE]') {
      this.done = true;
      this.emitFinish(emit);
      return;
    }
    const chunk = parseStreamJson(data, 'stream chunk');
    if (chunk.error !== undefined) throw streamError(this.peer, chunk);
    // Azure opens with a prompt_filter_results chunk that has no id and no choices; the stream starts after it.
    if (!this.started && (chunk.id || (Array.isArray(chunk.choices) && chunk.choices.length > 0))) {
      this.started = true;
      emit({ type: 'start', id: typeof chunk.id === 'string' ? chunk.id : '', model: typeof chunk.model === 'string' ? chunk.model : '', created: typeof chunk.created === 'number' ? chunk.created : nowSeconds() });
    }
    if (isRecord(chunk.usage)) this.usageSeen = usageFromOpenAI(chunk.usage);
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isRecord(choice)) return;
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const reasoning = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : typeof delta.reasoning === 'string' ? delta.reasoning : '';
    if (reasoning) emit({ type: 'reasoning', text: reasoning });
    if (typeof delta.content === 'string' && delta.content.length) emit({ type: 'text', text: delta.content });
    if (typeof delta.refusal === 'string' && delta.refusal.length) emit({ type: 'text', text: delta.refusal });
    if (Array.isArray(delta.tool_calls)) {
      for (const [position, tc] of delta.tool_calls.entries()) {
        if (!isRecord(tc)) continue;
        // Some OpenAI-compatible servers (older Ollama) omit the index when sending whole calls.
        const index = typeof tc.index === 'number' ? tc.index : position;
        const fn = isRecord(tc.function) ? tc.function : {};
        if (!this.toolIndexes.has(index)) {
          this.toolIndexes.add(index);
          emit({ type: 'tool_call_start', index, id: typeof tc.id === 'string' ? tc.id : '', name: typeof fn.name === 'string' ? fn.name : '' });
        }
        if (typeof fn.arguments === 'string' && fn.arguments.length) emit({ type: 'tool_call_args', index, delta: fn.arguments });
      }
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) this.finish = finishFromOpenAI(choice.finish_reason);
  }

  end(emit: (e: StreamEvent) => void): void {
    if (this.done) return;
    // Some OpenAI-compatible servers omit [DONE]; a finish_reason already proves the answer is whole.
    if (this.finish === null) throw new GatewayError('upstream_error', 'The upstream stream ended before the response was complete');
    this.done = true;
    this.emitFinish(emit);
  }

  private emitFinish(emit: (e: StreamEvent) => void): void {
    if (!this.started) badUpstream('empty stream');
    emit({ type: 'finish', reason: this.finish ?? 'stop', usage: this.usageSeen });
  }
}

export class OpenAIChatStreamEncoder implements StreamEncoder {
  private id = '';
  private created = 0;
  private readonly model: string;

  constructor(requestedModel: string, private readonly includeUsage: boolean) {
    this.model = JSON.stringify(requestedModel);
  }

  encode(e: StreamEvent): string {
    switch (e.type) {
      case 'start':
        this.id = JSON.stringify(openAIChatId(e.id));
        this.created = e.created;
        return this.chunk({ role: 'assistant', content: '' }, null);
      case 'text':
        return this.chunk({ content: e.text }, null);
      case 'reasoning':
        return this.chunk({ reasoning_content: e.text }, null);
      case 'reasoning_signature':
        return '';
      case 'tool_call_start':
        return this.chunk({ tool_calls: [{ index: e.index, id: e.id, type: 'function', function: { name: e.name, arguments: '' } }] }, null);
      case 'tool_call_args':
        return this.chunk({ tool_calls: [{ index: e.index, function: { arguments: e.delta } }] }, null);
      case 'finish': {
        let out = this.chunk({}, finishToOpenAI(e.reason));
        if (this.includeUsage) out += `data: {"id":${this.id},"object":"chat.completion.chunk","created":${this.created},"model":${this.model},"choices":[],"usage":${JSON.stringify(usageToOpenAI(e.usage))}}\n\n`;
        return out + 'data: [DONE]\n\n';
      }
    }
  }

  fail(code: string, message: string): string {
    return `data: ${JSON.stringify(serializeError('openai', toError(code, message)))}\n\n`;
  }

  private chunk(delta: Json, finish: string | null): string {
    return `data: {"id":${this.id},"object":"chat.completion.chunk","created":${this.created},"model":${this.model},"choices":[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finish === null ? 'null' : JSON.stringify(finish)}}]}\n\n`;
  }
}
