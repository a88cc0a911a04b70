import { GatewayError } from '../errors/index.ts';

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
      if (isReadable(body)) await readEvents(body, take);
      else for await (const c of body) take(c);
    } catch (e) {
      release();
      body.destroy?.();
      throw e;
    }
    return { bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), release };
  }
}

type Readable = AsyncIterable<Buffer> & Pick<NodeJS.ReadableStream, 'on' | 'off' | 'once'>;
const isReadable = (body: AsyncIterable<Buffer>): body is Readable => typeof (body as Partial<Readable>).on === 'function';

/** Every chunk to `take` (which may throw to stop), resolved at the end; an error or premature close rejects. */
function readEvents(body: Readable, take: (c: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: unknown) => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onData = (c: Buffer) => {
      try {
        take(c);
      } catch (e) {
        done(e);
      }
    };
    const onEnd = () => done();
    const onError = (e: unknown) => done(e);
    // Closed without 'end' (aborted, destroyed): what the async iterator reports as a premature close.
    const onClose = () => done(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    body.once('close', onClose);
  });
}
