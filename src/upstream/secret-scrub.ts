/**
 * Removes the provider key used for a call from upstream text before it can reach a client or a
 * log. Upstreams (and proxies in front of them) sometimes quote the key they were sent in an error
 * message; a pattern for "key-shaped" strings misses keys of other shapes, so the literal key is
 * looked for, in the spellings an upstream plausibly writes it: as is, JSON-escaped (`\/`, and
 * escaped twice when a message is itself a JSON string), URL-encoded.
 *
 * Cost on the hot path: one native `includes` per spelling per chunk, plus, at the end of a chunk,
 * a look for the key's first character in the last few bytes (a key cut by a chunk boundary): only
 * a tail that really starts the key is held back until the next chunk.
 */
import { GatewayError, isGatewayError } from '../errors/index.ts';

export const REDACTED = '[redacted]';
/** Shorter keys are placeholders (local servers that check none); scrubbing them would mangle normal text. */
const MIN_SECRET = 8;
/** A held tail this long (a key cut off by the end of the stream) is redacted rather than emitted. */
const MIN_PARTIAL = 8;
/** Most scrubbers kept built (one per provider key in use). */
const MAX_BUILT = 1024;

export class SecretScrubber {
  /** The spellings looked for, longest first so an escaped form is replaced whole. */
  readonly needles: readonly string[];

  private constructor(secret: string) {
    const json = (s: string) => JSON.stringify(s).slice(1, -1);
    const slashed = json(secret).replaceAll('/', '\\/');
    const url = encodeURIComponent(secret);
    const forms = new Set([secret, json(secret), slashed, json(json(secret)), json(slashed), url, url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())]);
    this.needles = [...forms].sort((a, b) => b.length - a.length);
  }

  /**
   * Built scrubbers by key: building one (seven spellings) cost 2.6 µs, the most expensive step of a
   * warm call in bench/steps.ts, and every call built one. Bounded, and emptied by `forget()` on
   * every cache invalidation (src/deps.ts), so a rotated or deleted provider key is not kept here.
   */
  private static readonly built = new Map<string, SecretScrubber>();

  /** A scrubber for this key, or null when there is nothing worth looking for. */
  static for(secret: string | undefined): SecretScrubber | null {
    if (!secret || secret.length < MIN_SECRET) return null;
    let s = SecretScrubber.built.get(secret);
    if (!s) {
      if (SecretScrubber.built.size >= MAX_BUILT) SecretScrubber.built.clear();
      s = new SecretScrubber(secret);
      SecretScrubber.built.set(secret, s);
    }
    return s;
  }

  /** Drops every built scrubber (a provider key may have changed). */
  static forget(): void {
    SecretScrubber.built.clear();
  }

  /** Every occurrence of every spelling replaced. Returns the same string when there is none. */
  scrub(text: string): string {
    let out = text;
    for (const n of this.needles) if (out.includes(n)) out = out.split(n).join(REDACTED);
    return out;
  }

  /** The same buffer when it holds no spelling of the key; else a scrubbed copy. */
  scrubBuffer(buf: Buffer): Buffer {
    for (const n of this.needles) if (buf.includes(n)) return Buffer.from(this.scrub(buf.toString('utf8')));
    return buf;
  }

  /** A GatewayError whose message and extras no longer hold the key (the same error when they did not). */
  scrubError(e: unknown): unknown {
    if (!isGatewayError(e)) return e;
    const message = this.scrub(e.message);
    let changed = message !== e.message;
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e.extra)) {
      extra[k] = typeof v === 'string' ? this.scrub(v) : v;
      if (extra[k] !== v) changed = true;
    }
    return changed ? new GatewayError(e.code, message, extra, e.headers) : e;
  }

  /** Length of the longest end of `text` that is the start of a spelling (0 almost always). */
  partialTail(text: string): number {
    let best = 0;
    for (const n of this.needles) {
      const first = n[0];
      let i = text.indexOf(first, Math.max(0, text.length - n.length + 1));
      while (i !== -1 && text.length - i > best) {
        if (startsWithTail(n, text, i)) {
          best = text.length - i;
          break;
        }
        i = text.indexOf(first, i + 1);
      }
    }
    return best;
  }
}

/** Whether `needle` starts with text.slice(from), compared in place. */
function startsWithTail(needle: string, text: string, from: number): boolean {
  for (let j = from, k = 0; j < text.length; j++, k++) if (text.charCodeAt(j) !== needle.charCodeAt(k)) return false;
  return true;
}

/**
 * The scrubber for a stream of text cut anywhere: a chunk ending with the start of the key keeps
 * that start back until the next chunk shows whether the key follows. Everything else goes out at once.
 */
export class StreamScrubber {
  private held = '';

  constructor(private readonly s: SecretScrubber) {}

  push(text: string): string {
    let t = this.held.length > 0 ? this.held + text : text;
    this.held = '';
    if (t.length === 0) return t;
    t = this.s.scrub(t);
    const hold = this.s.partialTail(t);
    if (hold === 0) return t;
    this.held = t.slice(t.length - hold);
    return t.slice(0, t.length - hold);
  }

  /** The stream ended: a held tail goes out, unless it is long enough to be a piece of the key. */
  flush(): string {
    const h = this.held;
    this.held = '';
    return h.length >= MIN_PARTIAL ? REDACTED : h;
  }
}

/** A non-streamed upstream body with the key scrubbed (the same buffer when it holds none). */
export function scrubBody(body: Buffer, secret: string | undefined): Buffer {
  return SecretScrubber.for(secret)?.scrubBuffer(body) ?? body;
}
