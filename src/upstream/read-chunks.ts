/**
 * A Node stream read chunk by chunk through its events (upstream bodies in byte-budget.ts, request
 * bodies in the node:http front): an async iterator costs a promise and a tick per chunk.
 */
export type Readable = AsyncIterable<Buffer> & Pick<NodeJS.ReadableStream, 'on' | 'off' | 'once'>;
export const isReadable = (body: AsyncIterable<Buffer>): body is Readable => typeof (body as Partial<Readable>).on === 'function';

/** Every chunk to `take` (which may throw to stop), resolved at the end; an error or premature close rejects. */
export function readChunks(body: Readable, take: (c: Buffer) => void): Promise<void> {
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
