import { GatewayError } from '../errors/index.ts';
import { isReadable, readChunks } from './read-chunks.ts';

/**
 * One budget of memory for non-streamed upstream bodies, shared by every call of an instance:
 * each body is capped on its own, and all bodies held at the same moment are capped together
 * (MAX_BUFFERED_UPSTREAM_BYTES), so many concurrent large answers cannot exhaust the heap.
 */
export class ByteBudget {
  private used = 0;
  constructor(readonly limit: number, private readonly onChange?: (inUse: number) => void) {}

  get inUse(): number {
    return this.used;
  }

  /**
   * Reads a body whole within both caps. The bytes stay charged until `release` is called (after
   * the answer is sent); on any failure nothing stays charged and the body stream is destroyed,
   * which frees the upstream socket.
   */
  async read(body: AsyncIterable<Buffer> & { destroy?(err?: Error): unknown }, maxOne: number): Promise<{ bytes: Buffer; release(): void }> {
    const chunks: Buffer[] = [];
    let size = 0;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.used -= size;
      this.onChange?.(this.used);
    };
    const take = (c: Buffer) => {
      if (size + c.length > maxOne) throw new GatewayError('upstream_error', 'The upstream response was too large');
      if (this.used + c.length > this.limit) {
        throw new GatewayError('upstream_error', 'The gateway is holding too many upstream response bytes at once (MAX_BUFFERED_UPSTREAM_BYTES); retry shortly');
      }
      this.used += c.length;
      size += c.length;
      chunks.push(c);
      this.onChange?.(this.used);
    };
    try {
      // A stream is read through its events: an async iterator costs a promise and a tick per chunk.
      if (isReadable(body)) await readChunks(body, take);
      else for await (const c of body) take(c);
    } catch (e) {
      release();
      body.destroy?.();
      throw e;
    }
    return { bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), release };
  }
}
