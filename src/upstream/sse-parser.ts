/**
 * Incremental Server-Sent Events parser (WHATWG HTML, "Parsing an event stream").
 * Fed arbitrary byte chunks: a chunk may end anywhere, inside a line, between CR and LF, or in the
 * middle of a multi-byte UTF-8 sequence (TextDecoder in streaming mode holds the partial bytes).
 * Lines end with CRLF, LF or CR. Comment lines (`:` keep-alives) are reported separately so a
 * proxy can re-emit them. A final event without its terminating blank line is discarded, as the
 * spec requires: an upstream that dies mid-event must not look like a complete one.
 */
export interface SseHandler {
  /** One dispatched event. `event` is 'message' when the stream named none. */
  onEvent(data: string, event: string, id: string | undefined): void;
  /** A comment line, without its leading colon. */
  onComment?(text: string): void;
}

const LF = 10;
const CR = 13;

export class SseParser {
  // Created on first byte input; callers that decode themselves (pass-through streams) never need one.
  private decoder: TextDecoder | null = null;
  private buf = '';
  private skipLF = false;
  private data: string | null = null;
  private eventType = '';
  private lastId: string | undefined;

  constructor(private readonly handler: SseHandler) {}

  /** Feed raw bytes, or text already decoded by the caller. */
  push(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : (this.decoder ??= new TextDecoder('utf-8')).decode(chunk, { stream: true });
    if (text.length > 0) this.feed(text);
  }

  /** The body ended: flushes the decoder; an unterminated event is dropped (see above). */
  end(): void {
    const rest = this.decoder?.decode() ?? '';
    if (rest.length > 0) this.feed(rest);
    this.buf = '';
    this.data = null;
    this.eventType = '';
  }

  private feed(text: string): void {
    // `buf` never holds a line terminator, so the scan resumes where the previous one stopped
    // instead of rescanning a long unfinished line on every chunk.
    let s: string;
    let i: number;
    if (this.buf.length > 0) {
      i = this.buf.length;
      s = this.buf + text;
    } else {
      i = 0;
      s = text;
    }
    let start = 0;
    if (this.skipLF) {
      this.skipLF = false;
      if (s.charCodeAt(0) === LF) start = i = 1;
    }
    const n = s.length;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      this.line(s.slice(start, i));
      if (c === CR) {
        if (i + 1 < n) {
          if (s.charCodeAt(i + 1) === LF) i++;
        } else {
          this.skipLF = true; // a CR ending the chunk may be the first half of CRLF
        }
      }
      start = i + 1;
    }
    this.buf = start < n ? s.slice(start) : '';
  }

  private line(line: string): void {
    if (line.length === 0) {
      if (this.data !== null) this.handler.onEvent(this.data, this.eventType || 'message', this.lastId);
      this.data = null;
      this.eventType = '';
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) {
      this.handler.onComment?.(line.slice(1));
      return;
    }
    let field: string;
    let value: string;
    if (colon < 0) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        this.data = this.data === null ? value : this.data + '\n' + value;
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        // `retry` and unknown fields carry nothing a proxy needs.
        break;
    }
  }
}

/** Serialises one event; multi-line data becomes several `data:` lines. */
export function formatSseEvent(data: string, event?: string): string {
  const body = data.includes('\n') ? 'data: ' + data.split('\n').join('\ndata: ') : 'data: ' + data;
  return event ? `event: ${event}\n${body}\n\n` : `${body}\n\n`;
}
