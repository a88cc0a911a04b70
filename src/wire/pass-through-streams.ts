/**
 * Same-family streams: the upstream's bytes go to the client as they came, while an SSE parser
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
import { isRecord } from './wire-guards.ts';
import { streamError } from './wire-errors.ts';
import { usageFromOpenAI } from './openai/chat-response.ts';
import { usageFromAnthropic } from './anthropic/messages-response.ts';
import { usageFromGemini } from './gemini/generate-response.ts';
import { GeminiStreamEncoder } from './gemini/generate-stream.ts';

const EMPTY_CHOICES = /"choices"\s*:\s*\[\s*\]/;
const CONTENT = /"(?:content|reasoning_content|reasoning|arguments|refusal)"\s*:\s*"[^"]/;
const FINISHED = /"finish_reason"\s*:\s*"/;

function truncated(): GatewayError {
  return new GatewayError('upstream_error', 'The upstream stream ended before the response was complete');
}

abstract class PassThrough implements StreamTranslator {
  protected readonly decoder = new TextDecoder('utf-8');
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
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    this.parser.push(text);
    if (!this.reframe) return text;
    const out = this.out;
    this.out = '';
    return out;
  }

  end(): string {
    this.parser.push(this.decoder.decode());
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

export class OpenAIPassThrough extends PassThrough {
  private finishSeen = false;

  constructor(peer: string, private readonly hideUsageChunk: boolean, private readonly failEncoder: (code: string, message: string) => string) {
    super(peer, hideUsageChunk);
  }

  protected onEvent(data: string): void {
    if (data === '[DONE]') {
      this.complete = true;
      if (this.reframe) this.out += 'data: [DONE]\n\n';
      return;
    }
    let hide = false;
    if (!this.isStarted && CONTENT.test(data)) this.isStarted = true;
    if (!this.finishSeen && FINISHED.test(data)) this.finishSeen = true;
    // With include_usage every chunk carries "usage":null; only an object is worth parsing.
    if (hasUsageObject(data) || data.includes('"error"')) {
      const chunk = safeParse(data);
      if (isRecord(chunk) && chunk.error !== undefined && chunk.error !== null) this.errored(chunk);
      else if (isRecord(chunk) && isRecord(chunk.usage)) {
        this.usageSeen = usageFromOpenAI(chunk.usage);
        hide = this.hideUsageChunk && EMPTY_CHOICES.test(data);
      }
    }
    if (this.reframe && !hide) this.out += `data: ${data}\n\n`;
  }

  // Some OpenAI-compatible servers omit [DONE]; a finish_reason already proves the answer is whole.
  protected override wholeWithoutTerminal(): boolean {
    return this.finishSeen;
  }

  protected failBytes(code: string, message: string): string {
    return this.failEncoder(code, message);
  }
}

export class AnthropicPassThrough extends PassThrough {
  constructor(peer: string, private readonly failEncoder: (code: string, message: string) => string) {
    super(peer, false);
  }

  protected onEvent(data: string, name: string): void {
    switch (name) {
      case 'content_block_delta':
      case 'content_block_start':
        if (!this.isStarted && name === 'content_block_delta') this.isStarted = true;
        return;
      case 'message_start': {
        const ev = safeParse(data);
        if (isRecord(ev) && isRecord(ev.message)) this.usageSeen = usageFromAnthropic(ev.message.usage);
        return;
      }
      case 'message_delta': {
        const ev = safeParse(data);
        if (isRecord(ev)) this.usageSeen = usageFromAnthropic(ev.usage, this.usageSeen);
        return;
      }
      case 'message_stop':
        this.complete = true;
        return;
      case 'error':
        this.errored(safeParse(data));
        return;
      default:
        return;
    }
  }

  protected failBytes(code: string, message: string): string {
    return this.failEncoder(code, message);
  }
}

export class GeminiPassThrough extends PassThrough {
  private readonly arrayFramer: GeminiStreamEncoder;
  private elements = 0;

  constructor(peer: string, private readonly jsonArray: boolean, requestedModel: string) {
    super(peer, jsonArray);
    this.arrayFramer = new GeminiStreamEncoder(requestedModel, jsonArray);
  }

  protected override onComment(): void {
    // JSON arrays have no comments; keep-alives are simply not re-emitted.
  }

  protected onEvent(data: string): void {
    const chunk = safeParse(data);
    if (!isRecord(chunk)) {
      this.errored({ error: { message: 'unreadable stream chunk' } });
      return;
    }
    if (chunk.error !== undefined) this.errored(chunk);
    else {
      if (isRecord(chunk.usageMetadata)) this.usageSeen = usageFromGemini(chunk.usageMetadata);
      const cand = Array.isArray(chunk.candidates) && isRecord(chunk.candidates[0]) ? chunk.candidates[0] : null;
      if (cand && isRecord(cand.content) && Array.isArray(cand.content.parts) && cand.content.parts.length) this.isStarted = true;
      if (cand && cand.finishReason !== undefined && cand.finishReason !== null) this.complete = true;
      if (!cand && isRecord(chunk.promptFeedback) && chunk.promptFeedback.blockReason !== undefined) this.complete = true;
    }
    if (this.jsonArray) this.out += (this.elements++ === 0 ? '[' : ',\r\n') + data;
  }

  protected override closing(): string {
    if (!this.jsonArray) return '';
    return this.elements === 0 ? '[]' : ']';
  }

  override fail(code: string, message: string): string {
    if (this.upstreamError) return this.jsonArray ? (this.elements === 0 ? '[]' : ']') : '';
    return this.failBytes(code, message);
  }

  protected failBytes(code: string, message: string): string {
    const bytes = this.arrayFramer.fail(code, message);
    // The framer opens the array itself only if it has not emitted anything; account for ours.
    return this.jsonArray && this.elements > 0 ? ',\r\n' + bytes.replace(/^\[/, '') : bytes;
  }
}

function hasUsageObject(data: string): boolean {
  let i = data.lastIndexOf('"usage"');
  if (i < 0) return false;
  i += 7;
  while (data.charCodeAt(i) === 32) i++;
  if (data.charCodeAt(i) !== 58) return false; // ':'
  i++;
  while (data.charCodeAt(i) === 32) i++;
  return data.charCodeAt(i) === 123; // '{'
}

function safeParse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
