import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

const KEEPALIVE_MS = 25_000;
const open = new Set<ClientStream>();

/**
 * Shutdown: ends every open stream and closes its connection. A connection whose response
 * ends after the server started closing would otherwise linger until its keep-alive timeout.
 */
export function endAllStreams(): void {
  for (const s of [...open]) s.end(true);
}

/**
 * An SSE response to the client, written by the gateway itself (the reply is hijacked).
 * `write` reports false when the client is gone; `drain` waits for a slow reader instead of
 * buffering a whole stream. Idle streams get a comment every 25 s so proxies keep them open.
 */
export class ClientStream {
  private readonly out: ServerResponse;
  private timer: NodeJS.Timeout | undefined;
  private closedCbs: (() => void)[] = [];
  bytes = 0;
  closed = false;

  constructor(reply: FastifyReply, headers: Record<string, string>) {
    reply.hijack();
    this.out = reply.raw;
    this.out.writeHead(200, {
      'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no', ...headers,
    });
    this.out.flushHeaders();
    this.out.on('close', () => this.markClosed());
    open.add(this);
    this.timer = setInterval(() => this.write(': keep-alive\n\n'), KEEPALIVE_MS);
    this.timer.unref();
  }

  write(text: string): boolean {
    if (this.closed || this.out.destroyed) return false;
    this.bytes += Buffer.byteLength(text);
    this.out.write(text);
    return true;
  }

  /** Resolves when the socket accepts more (or the client left). */
  drain(): Promise<void> {
    if (this.closed || !this.out.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }

  onClose(cb: () => void): void {
    if (this.closed) cb();
    else this.closedCbs.push(cb);
  }

  end(closeConnection = false): void {
    if (!this.closed && !this.out.destroyed) {
      const socket = this.out.socket;
      this.out.end(closeConnection ? () => socket?.destroy() : undefined);
    }
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    open.delete(this);
    if (this.timer) clearInterval(this.timer);
    const cbs = this.closedCbs;
    this.closedCbs = [];
    for (const cb of cbs) cb();
  }
}

/** True when the client says it reads SSE (the MCP client sends both JSON and SSE). */
export function acceptsSse(accept: string | undefined): boolean {
  return !!accept && /(^|,)\s*(text\/event-stream|text\/\*|\*\/\*)\s*(;|,|$)/i.test(accept);
}
