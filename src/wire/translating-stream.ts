/**
 * A cross-family stream: upstream bytes → SSE events → provider decoder → canonical events →
 * surface encoder → client bytes. Errors follow the StreamTranslator contract: what was already
 * translated before an upstream error event is returned, and the error is thrown by the next
 * push() or by end(), so the route can record it and write fail().
 */
import type { StreamTranslator } from './wire-format.ts';
import type { Usage } from '../canonical/usage.types.ts';
import type { StreamEvent } from '../canonical/chat.types.ts';
import type { StreamDecoder, StreamEncoder } from '../canonical/stream-codec.ts';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import { SseParser } from '../upstream/sse-parser.ts';

export class TranslatingStream implements StreamTranslator {
  private readonly parser: SseParser;
  private out = '';
  private error: GatewayError | null = null;
  private isStarted = false;
  /** With `singleToolCall`, the index of the one tool call passed on (-1: none seen yet). */
  private keptToolCall = -1;
  private readonly emit = (e: StreamEvent): void => {
    if (this.singleToolCall && (e.type === 'tool_call_start' || e.type === 'tool_call_args')) {
      if (this.keptToolCall === -1 && e.type === 'tool_call_start') this.keptToolCall = e.index;
      if (e.index !== this.keptToolCall) return;
    }
    if (!this.isStarted && (e.type === 'text' || e.type === 'reasoning' || e.type === 'tool_call_start')) this.isStarted = true;
    this.out += this.encoder.encode(e);
  };

  constructor(private readonly decoder: StreamDecoder, private readonly encoder: StreamEncoder, private readonly singleToolCall = false) {
    this.parser = new SseParser({ onEvent: (data, name) => this.onEvent(data, name) });
  }

  get started(): boolean {
    return this.isStarted;
  }

  push(chunk: Buffer | string): string {
    if (this.error) throw this.error;
    this.parser.push(chunk);
    return this.take();
  }

  end(): string {
    if (this.error) throw this.error;
    this.parser.end();
    if (this.error) throw this.error;
    this.decoder.end(this.emit);
    return this.take();
  }

  fail(code: string, message: string): string {
    return this.encoder.fail(code, message);
  }

  usage(): Usage {
    return this.decoder.usage();
  }

  private onEvent(data: string, name: string): void {
    if (this.error) return;
    try {
      this.decoder.event(data, name, this.emit);
    } catch (e) {
      this.error = isGatewayError(e) ? e : new GatewayError('upstream_error', 'The upstream stream could not be translated');
    }
  }

  private take(): string {
    const out = this.out;
    this.out = '';
    return out;
  }
}
