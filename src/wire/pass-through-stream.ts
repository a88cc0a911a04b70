/**
 * Same-format streams (wire/<family>/*-pass-through-stream.ts): the upstream's bytes go to the client as they came, while an SSE parser
 * watches just enough to read usage, notice the first token, spot an error event and see the
 * terminal event. Exceptions, both needing whole events rather than raw bytes:
 *  - OpenAI, when the gateway forced include_usage but the client did not ask for it: the extra
 *    usage-only chunk (`choices: []`) is withheld, since naive clients index choices[0];
 *  - Gemini, when the client wants the JSON-array stream instead of SSE.
 * An upstream error event reaches the client in its own format; end() then throws the mapped
 * error for the usage record and fail() returns nothing, so the client does not get two.
 */
import type { StreamTranslator } from './wire-format.ts';
import type { Usage } from '../canonical/usage.types.ts';
import { GatewayError } from '../errors/index.ts';
import { SseParser } from '../upstream/sse-parser.ts';
import { streamError } from './wire-errors.ts';

function truncated(): GatewayError {
  return new GatewayError('upstream_error', 'The upstream stream ended before the response was complete');
}

export abstract class PassThrough implements StreamTranslator {
  /** Made on the first chunk given as bytes: wrapped in a ScrubbingStream (always, when the provider has a key) it gets text. */
  private decoder: TextDecoder | undefined;
  protected readonly parser: SseParser;
  protected usageSeen: Usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  protected complete = false;
  protected upstreamError: GatewayError | null = null;
  protected isStarted = false;
  /** Re-emitted events when raw bytes cannot be forwarded as they are. */
  protected out = '';

  constructor(protected readonly peer: string, protected readonly reframe: boolean) {
    this.parser = new SseParser({
      onEvent: (data, name) => this.onEvent(data, name),
      onComment: (text) => {
        if (this.reframe) this.onComment(text);
      },
    });
  }

  get started(): boolean {
    return this.isStarted;
  }

  push(chunk: Buffer | string): string {
    if (this.upstreamError && this.complete) throw this.upstreamError;
    const text = typeof chunk === 'string' ? chunk : (this.decoder ??= new TextDecoder('utf-8')).decode(chunk, { stream: true });
    this.parser.push(text);
    if (!this.reframe) return text;
    const out = this.out;
    this.out = '';
    return out;
  }

  end(): string {
    if (this.decoder) this.parser.push(this.decoder.decode());
    this.parser.end();
    if (this.upstreamError) throw this.upstreamError;
    if (!this.complete && !this.wholeWithoutTerminal()) throw truncated();
    const out = this.out;
    this.out = '';
    return out + this.closing();
  }

  /** Whether a stream that ended without its terminal event still carried a whole answer. */
  protected wholeWithoutTerminal(): boolean {
    return false;
  }

  fail(code: string, message: string): string {
    return this.upstreamError ? '' : this.failBytes(code, message);
  }

  usage(): Usage {
    return this.usageSeen;
  }

  protected closing(): string {
    return '';
  }

  protected onComment(text: string): void {
    this.out += `:${text}\n\n`;
  }

  protected abstract onEvent(data: string, name: string): void;
  protected abstract failBytes(code: string, message: string): string;

  protected errored(payload: unknown): void {
    this.upstreamError = streamError(this.peer, payload);
    this.complete = true;
  }
}

export function safeParse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
