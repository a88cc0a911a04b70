/**
 * Anthropic Messages SSE ⇄ canonical stream events. The wire sequence is message_start,
 * (content_block_start, content_block_delta…, content_block_stop)…, message_delta (stop reason and
 * cumulative usage), message_stop; `ping` may appear anywhere and `error` ends the stream.
 */
import type { FinishReason, StreamEvent, Usage } from '../../canonical/chat.types.ts';
import type { StreamDecoder, StreamEncoder } from '../../canonical/stream-codec.ts';
import { badUpstream, parseStreamJson } from '../translate-context.ts';
import { isRecord } from '../wire-guards.ts';
import { nowSeconds } from '../../canonical/ids.ts';
import { GatewayError, serializeError } from '../../errors/index.ts';
import { errorForCode as toError, streamError } from '../wire-errors.ts';
import { anthropicMessageId, finishFromAnthropic, finishToAnthropic, usageFromAnthropic, usageToAnthropic } from './messages-response.ts';

export class AnthropicStreamDecoder implements StreamDecoder {
  private usageSeen: Usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  private readonly toolIndexOfBlock = new Map<number, number>();
  private tools = 0;
  private finish: FinishReason = 'stop';
  private stopSequence: string | null = null;
  private started = false;
  private done = false;

  /** `peer`: the provider's display name, for error messages. */
  constructor(private readonly peer: string) {}

  usage(): Usage {
    return this.usageSeen;
  }

  event(data: string, name: string, emit: (e: StreamEvent) => void): void {
    if (this.done || name === 'ping') return;
    const ev = parseStreamJson(data, 'stream event');
    const type = typeof ev.type === 'string' ? ev.type : name;
    switch (type) {
      case 'message_start': {
        const msg = isRecord(ev.message) ? ev.message : {};
        this.usageSeen = usageFromAnthropic(msg.usage);
        this.started = true;
        emit({ type: 'start', id: typeof msg.id === 'string' ? msg.id : '', model: typeof msg.model === 'string' ? msg.model : '', created: nowSeconds(), usage: this.usageSeen });
        return;
      }
      case 'content_block_start': {
        const block = isRecord(ev.content_block) ? ev.content_block : {};
        const index = typeof ev.index === 'number' ? ev.index : 0;
        if (block.type === 'tool_use') {
          const t = this.tools++;
          this.toolIndexOfBlock.set(index, t);
          emit({ type: 'tool_call_start', index: t, id: String(block.id ?? ''), name: String(block.name ?? '') });
        } else if (block.type === 'text' && typeof block.text === 'string' && block.text.length) {
          emit({ type: 'text', text: block.text });
        }
        return;
      }
      case 'content_block_delta': {
        const d = isRecord(ev.delta) ? ev.delta : {};
        if (d.type === 'text_delta' && typeof d.text === 'string') emit({ type: 'text', text: d.text });
        else if (d.type === 'input_json_delta' && typeof d.partial_json === 'string') {
          const t = this.toolIndexOfBlock.get(typeof ev.index === 'number' ? ev.index : 0);
          if (t !== undefined && d.partial_json.length) emit({ type: 'tool_call_args', index: t, delta: d.partial_json });
        } else if (d.type === 'thinking_delta' && typeof d.thinking === 'string') emit({ type: 'reasoning', text: d.thinking });
        else if (d.type === 'signature_delta' && typeof d.signature === 'string') emit({ type: 'reasoning_signature', signature: d.signature });
        return;
      }
      case 'message_delta': {
        const d = isRecord(ev.delta) ? ev.delta : {};
        if (d.stop_reason !== undefined && d.stop_reason !== null) this.finish = finishFromAnthropic(d.stop_reason);
        if (typeof d.stop_sequence === 'string') this.stopSequence = d.stop_sequence;
        this.usageSeen = usageFromAnthropic(ev.usage, this.usageSeen);
        return;
      }
      case 'message_stop':
        if (!this.started) badUpstream('stream (message_stop before message_start)');
        this.done = true;
        emit({ type: 'finish', reason: this.finish, stopSequence: this.stopSequence, usage: this.usageSeen });
        return;
      case 'error':
        throw streamError(this.peer, ev);
      default:
        return; // content_block_stop and event types added later carry nothing canonical
    }
  }

  end(): void {
    if (!this.done) throw new GatewayError('upstream_error', 'The upstream stream ended before the response was complete');
  }
}

type OpenBlock = { kind: 'text' | 'thinking'; index: number } | { kind: 'tool'; index: number; tool: number };

export class AnthropicStreamEncoder implements StreamEncoder {
  private block: OpenBlock | null = null;
  private next = 0;
  private readonly toolBlocks = new Map<number, number>();
  constructor(private readonly requestedModel: string) {}

  encode(e: StreamEvent): string {
    switch (e.type) {
      case 'start': {
        // Output tokens open at 0 whatever the upstream's first chunk said (Gemini's carry the running
        // count): message_delta holds the total, and clients that add the two (LangChain) must not count twice.
        const usage = usageToAnthropic({ inputTokens: e.usage?.inputTokens ?? 0, cachedTokens: e.usage?.cachedTokens ?? 0, outputTokens: 0, reasoningTokens: 0 });
        const message = { id: anthropicMessageId(e.id), type: 'message', role: 'assistant', model: this.requestedModel, content: [], stop_reason: null, stop_sequence: null, usage };
        return ev('message_start', { type: 'message_start', message }) + ev('ping', { type: 'ping' });
      }
      case 'text':
        return this.open('text') + ev('content_block_delta', { type: 'content_block_delta', index: this.block!.index, delta: { type: 'text_delta', text: e.text } });
      case 'reasoning':
        return this.open('thinking') + ev('content_block_delta', { type: 'content_block_delta', index: this.block!.index, delta: { type: 'thinking_delta', thinking: e.text } });
      case 'reasoning_signature':
        return this.open('thinking') + ev('content_block_delta', { type: 'content_block_delta', index: this.block!.index, delta: { type: 'signature_delta', signature: e.signature } });
      case 'tool_call_start': {
        const out = this.close();
        const index = this.next++;
        this.block = { kind: 'tool', index, tool: e.index };
        this.toolBlocks.set(e.index, index);
        return out + ev('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: e.id, name: e.name, input: {} } });
      }
      case 'tool_call_args': {
        // Parallel calls normally stream one after another; a late delta still names its own block.
        const index = this.toolBlocks.get(e.index);
        if (index === undefined) return '';
        return ev('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: e.delta } });
      }
      case 'finish': {
        const out = this.close();
        const usage = usageToAnthropic(e.usage);
        return out
          + ev('message_delta', { type: 'message_delta', delta: { stop_reason: finishToAnthropic(e.reason), stop_sequence: e.stopSequence ?? null }, usage })
          + ev('message_stop', { type: 'message_stop' });
      }
    }
  }

  fail(code: string, message: string): string {
    return ev('error', serializeError('anthropic', toError(code, message)));
  }

  private open(kind: 'text' | 'thinking'): string {
    if (this.block?.kind === kind) return '';
    const out = this.close();
    const index = this.next++;
    this.block = { kind, index };
    const content_block = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    return out + ev('content_block_start', { type: 'content_block_start', index, content_block });
  }

  private close(): string {
    if (!this.block) return '';
    const index = this.block.index;
    this.block = null;
    return ev('content_block_stop', { type: 'content_block_stop', index });
  }
}

function ev(name: string, payload: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
}
