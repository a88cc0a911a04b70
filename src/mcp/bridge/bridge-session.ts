import { randomBytes } from 'node:crypto';
import type { ClientStream } from '../client-stream.ts';
import type { RpcMessage } from '../jsonrpc.ts';
import { messageEvent } from '../sse-blocks.ts';
import type { Mux } from './mux.ts';

/** Writes one message to an open POST answer stream; false when that stream is gone. */
export type Deliver = (msg: RpcMessage) => boolean;

const MAX_BACKLOG = 100;

/**
 * One client session on a bridged server (SSE or STDIO upstream). Server-initiated messages
 * (notifications, requests) go to the session's GET stream; while it has none, to an open
 * POST answer stream (the spec lets a server send those before its response); else they wait
 * in a short backlog until a GET stream opens.
 */
export class BridgeSession {
  readonly id = randomBytes(18).toString('base64url');
  lastSeen = Date.now();
  private stream: ClientStream | undefined;
  private readonly posts = new Set<Deliver>();
  private backlog: RpcMessage[] = [];
  closed = false;

  constructor(readonly keyId: string, readonly orgId: string, readonly serverId: string, readonly updatedAt: string, readonly mux: Mux) {}

  get streaming(): boolean {
    return !!this.stream || this.posts.size > 0;
  }

  toClient(msg: RpcMessage): void {
    if (this.stream && this.stream.write(messageEvent(JSON.stringify(msg)))) return;
    for (const post of this.posts) if (post(msg)) return;
    if (this.backlog.length < MAX_BACKLOG) this.backlog.push(msg);
  }

  /** A GET stream replaces any earlier one (one standalone stream per session). */
  attach(stream: ClientStream): void {
    this.stream?.end();
    this.stream = stream;
    stream.onClose(() => {
      if (this.stream === stream) this.stream = undefined;
    });
    const waiting = this.backlog;
    this.backlog = [];
    for (const m of waiting) this.toClient(m);
  }

  openPost(deliver: Deliver): () => void {
    this.posts.add(deliver);
    return () => this.posts.delete(deliver);
  }

  close(): void {
    this.closed = true;
    this.stream?.end();
    this.stream = undefined;
    this.backlog = [];
  }
}
