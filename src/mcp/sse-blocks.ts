/**
 * Splits an SSE byte stream into whole events ("blocks") and keeps each block's own lines, so a
 * relay can pass an event on untouched (ids, `retry:`, comments, keep-alives) and rewrite only
 * the data of the few events it must change. src/upstream/sse-parser.ts reports parsed fields
 * only, which loses `retry:` and id-only priming events that MCP resumability relies on.
 * Lines end with CRLF, LF or CR (WHATWG HTML, "Parsing an event stream"); a chunk may end
 * anywhere, including between CR and LF or inside a UTF-8 sequence.
 */
export interface SseBlock {
  /** The block's lines joined with LF, plus the blank line that ends it. */
  raw: string;
  /** The joined `data:` lines, or null when the block has none (comment or priming event). */
  data: string | null;
  event: string;
  /** This block's own `id:` field, if it has one. */
  id: string | undefined;
}

const MAX_BLOCK_CHARS = 16 * 1024 * 1024;

export class SseBlockSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';
  private skipLF = false;
  private lines: string[] = [];
  private size = 0;

  /** Feeds bytes; returns the blocks completed by them. Throws when one block grows too large. */
  push(chunk: Uint8Array): SseBlock[] {
    const out: SseBlock[] = [];
    // `partial` never holds a line end, so the scan resumes after it instead of rescanning it.
    let i = this.partial.length;
    let s = this.partial + this.decoder.decode(chunk, { stream: true });
    let start = 0;
    if (this.skipLF && s.length > 0) {
      this.skipLF = false;
      if (s.charCodeAt(0) === 10) start = i = 1;
    }
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(s.slice(start, i), out);
      if (c === 13) {
        if (i + 1 < s.length) {
          if (s.charCodeAt(i + 1) === 10) i++;
        } else this.skipLF = true;
      }
      start = i + 1;
    }
    s = s.slice(start);
    if (s.length + this.size > MAX_BLOCK_CHARS) throw new Error('SSE event too large');
    this.partial = s;
    return out;
  }

  /** Lines of an event that never got its blank line are dropped: a truncated event is not an event. */
  end(): void {
    this.partial = '';
    this.lines = [];
    this.size = 0;
  }

  private line(line: string, out: SseBlock[]): void {
    if (line.length > 0) {
      this.lines.push(line);
      this.size += line.length + 1;
      if (this.size > MAX_BLOCK_CHARS) throw new Error('SSE event too large');
      return;
    }
    if (this.lines.length === 0) return;
    out.push(parseBlock(this.lines));
    this.lines = [];
    this.size = 0;
  }
}

function parseBlock(lines: string[]): SseBlock {
  let data: string | null = null;
  let event = '';
  let id: string | undefined;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon === 0) continue;
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    if (field === 'data') data = data === null ? value : `${data}\n${value}`;
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  }
  return { raw: `${lines.join('\n')}\n\n`, data, event: event || 'message', id };
}

/** The block with its data replaced; its id, event and retry lines are kept in order. */
export function withData(block: SseBlock, data: string): string {
  const kept = block.raw.slice(0, -2).split('\n').filter((l) => !(l === 'data' || l.startsWith('data:')));
  return `${[...kept, ...data.split('\n').map((d) => `data: ${d}`)].join('\n')}\n\n`;
}

/** One JSON-RPC message as an SSE event, the way MCP servers write them. */
export function messageEvent(json: string): string {
  return `event: message\ndata: ${json}\n\n`;
}
