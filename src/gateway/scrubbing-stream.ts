/**
 * Wraps any StreamTranslator so that the provider key never crosses it. The upstream text is
 * scrubbed before the translator sees it: relayed bytes (same-family pass-through), parsed error
 * events and the messages built from them are clean from the start, and a key cut by a chunk
 * boundary is caught (see secret-scrub.ts). A translated stream's output is scanned once more,
 * since a key the upstream wrote with \u escapes comes out of JSON.parse in plain text; a
 * pass-through's output is the scrubbed input itself and is not scanned twice.
 */
import type { StreamTranslator } from '../wire/wire-format.ts';
import type { Usage } from '../canonical/usage.types.ts';
import { StreamScrubber, type SecretScrubber } from '../upstream/secret-scrub.ts';

export class ScrubbingStream implements StreamTranslator {
  private readonly utf8 = new TextDecoder('utf-8');
  private readonly input: StreamScrubber;

  constructor(private readonly inner: StreamTranslator, private readonly s: SecretScrubber, private readonly rescanOutput: boolean) {
    this.input = new StreamScrubber(s);
  }

  get started(): boolean {
    return this.inner.started;
  }

  push(chunk: Buffer | string): string {
    const text = this.input.push(typeof chunk === 'string' ? chunk : this.utf8.decode(chunk, { stream: true }));
    return this.out(() => (text.length > 0 ? this.inner.push(text) : ''));
  }

  end(): string {
    const rest = this.input.push(this.utf8.decode()) + this.input.flush();
    const head = rest.length > 0 ? this.out(() => this.inner.push(rest)) : '';
    return head + this.out(() => this.inner.end());
  }

  fail(code: string, message: string): string {
    return this.s.scrub(this.inner.fail(code, this.s.scrub(message)));
  }

  usage(): Usage {
    return this.inner.usage();
  }

  private out(step: () => string): string {
    let bytes: string;
    try {
      bytes = step();
    } catch (e) {
      // Errors carry upstream text into the client's error event and the logs.
      throw this.s.scrubError(e);
    }
    return this.rescanOutput && bytes.length > 0 ? this.s.scrub(bytes) : bytes;
  }
}
