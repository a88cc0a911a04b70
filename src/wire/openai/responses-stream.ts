/**
 * Canonical stream events → OpenAI Responses API semantic events:
 * response.created, response.in_progress, then per output item output_item.added,
 * (content_part.added, output_text.delta…, output_text.done, content_part.done) or
 * (function_call_arguments.delta…, function_call_arguments.done), output_item.done, and finally
 * response.completed (or response.incomplete). Every event carries an increasing sequence_number;
 * there is no [DONE].
 */
import type { StreamEvent } from '../../canonical/chat.types.ts';
import type { StreamEncoder } from '../../canonical/stream-codec.ts';
import { newId } from '../../canonical/ids.ts';
import type { Json } from '../wire-guards.ts';
import { serializeError } from '../../errors/index.ts';
import { errorForCode as toError } from '../wire-errors.ts';
import { functionCallItem, messageItem, responseEnvelope, responsesId, statusFor } from './responses-response.ts';

type Item =
  | { kind: 'message'; id: string; index: number; text: string }
  | { kind: 'call'; id: string; index: number; callId: string; name: string; args: string };

export class ResponsesStreamEncoder implements StreamEncoder {
  private seq = 0;
  private id = '';
  private created = 0;
  private open: Item | null = null;
  private readonly done: Json[] = [];
  private readonly calls = new Map<number, Item & { kind: 'call' }>();

  constructor(private readonly requestedModel: string, private readonly onOutputItems?: (output: unknown[]) => void) {}

  encode(e: StreamEvent): string {
    switch (e.type) {
      case 'start': {
        this.id = responsesId(e.id);
        this.created = e.created;
        const r = responseEnvelope(this.id, this.created, this.requestedModel, 'in_progress', [], null);
        return this.ev('response.created', { response: r }) + this.ev('response.in_progress', { response: r });
      }
      case 'text': {
        let out = '';
        if (this.open?.kind !== 'message') {
          out += this.close();
          const item: Item = { kind: 'message', id: newId('msg_'), index: this.done.length, text: '' };
          this.open = item;
          out += this.ev('response.output_item.added', { output_index: item.index, item: { id: item.id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
          out += this.ev('response.content_part.added', { item_id: item.id, output_index: item.index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
        }
        const item = this.open as Item & { kind: 'message' };
        item.text += e.text;
        return out + this.ev('response.output_text.delta', { item_id: item.id, output_index: item.index, content_index: 0, delta: e.text, logprobs: [] });
      }
      case 'tool_call_start': {
        const out = this.close();
        const item: Item & { kind: 'call' } = { kind: 'call', id: newId('fc_'), index: this.done.length, callId: e.id, name: e.name, args: '' };
        this.open = item;
        this.calls.set(e.index, item);
        return out + this.ev('response.output_item.added', { output_index: item.index, item: functionCallItem(item.id, item.callId, item.name, '', 'in_progress') });
      }
      case 'tool_call_args': {
        const item = this.calls.get(e.index);
        if (!item) return '';
        item.args += e.delta;
        return this.ev('response.function_call_arguments.delta', { item_id: item.id, output_index: item.index, delta: e.delta });
      }
      case 'finish': {
        const out = this.close();
        const { status, incomplete_details } = statusFor(e.reason);
        const r = responseEnvelope(this.id, this.created, this.requestedModel, status, this.done, e.usage, incomplete_details);
        this.onOutputItems?.(this.done);
        return out + this.ev(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: r });
      }
      default:
        return ''; // reasoning text is not surfaced on this API (see responses-response.ts)
    }
  }

  fail(code: string, message: string): string {
    const err = serializeError('openai', toError(code, message)) as { error: { code: string; message: string } };
    return this.ev('error', { code: err.error.code, message: err.error.message, param: null });
  }

  private close(): string {
    const item = this.open;
    if (!item) return '';
    this.open = null;
    if (item.kind === 'message') {
      const done = messageItem(item.id, item.text, 'completed');
      this.done.push(done);
      return this.ev('response.output_text.done', { item_id: item.id, output_index: item.index, content_index: 0, text: item.text, logprobs: [] })
        + this.ev('response.content_part.done', { item_id: item.id, output_index: item.index, content_index: 0, part: { type: 'output_text', text: item.text, annotations: [], logprobs: [] } })
        + this.ev('response.output_item.done', { output_index: item.index, item: done });
    }
    const done = functionCallItem(item.id, item.callId, item.name, item.args, 'completed');
    this.done.push(done);
    return this.ev('response.function_call_arguments.done', { item_id: item.id, output_index: item.index, name: item.name, arguments: item.args })
      + this.ev('response.output_item.done', { output_index: item.index, item: done });
  }

  private ev(type: string, payload: Json): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, ...payload, sequence_number: this.seq++ })}\n\n`;
  }
}
