import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedis } from './redis-client.ts';

/** What changed. Caches drop every entry the event can affect. */
export type InvalidationEvent =
  | { kind: 'org'; orgId: string }
  | { kind: 'hash'; hash: string }
  | { kind: 'all' };

export type InvalidationHandler = (e: InvalidationEvent) => void;

export interface InvalidationBus {
  /**
   * Resolves once every instance has applied the event (or the wait bound passed): true when the
   * event was sent to every subscribed instance, false when it could not be sent at all.
   */
  publish(event: InvalidationEvent): Promise<boolean>;
  subscribe(handler: InvalidationHandler): void;
  /** False while this instance may miss events: its in-process cache must then not be trusted. */
  readonly healthy: boolean;
  /**
   * Counts the subscriptions made so far: a new value means this instance was deaf in between,
   * and anything it verified in an earlier session (see KeyLookup) must be verified again.
   */
  readonly session: number;
  close(): Promise<void>;
}

export class LocalBus implements InvalidationBus {
  private handlers: InvalidationHandler[] = [];
  readonly healthy = true;
  readonly session = 1;
  async publish(event: InvalidationEvent): Promise<boolean> {
    for (const h of this.handlers) h(event);
    return true;
  }
  subscribe(handler: InvalidationHandler): void {
    this.handlers.push(handler);
  }
  async close(): Promise<void> {}
}

/**
 * Redis pub/sub bus. PUBLISH answers how many subscribers received the message; each instance
 * acknowledges on `<channel>:ack` after applying it, and publish() waits for that many acks
 * (bounded by ackTimeoutMs), so an admin call returns only once every instance dropped its
 * stale entries. While the subscriber connection is down the bus reports unhealthy, and on
 * reconnect every handler receives {kind:'all'} because events may have been missed.
 */
export class RedisBus implements InvalidationBus {
  private handlers: InvalidationHandler[] = [];
  private readonly sub: Redis;
  private readonly pub: Redis;
  private readonly ackChannel: string;
  private readonly pending = new Map<string, { needed: number; got: number; done: () => void }>();
  private wasReady = false;

  constructor(url: string, private readonly channel: string, private readonly ackTimeoutMs = 2000) {
    this.ackChannel = `${channel}:ack`;
    this.pub = createRedis(url, 'odock-bus-pub');
    this.sub = createRedis(url, 'odock-bus-sub');
    this.sub.on('ready', () => {
      void this.sub.subscribe(this.channel, this.ackChannel).then(() => {
        this.sessions++;
        if (this.wasReady) this.deliver({ kind: 'all' });
        this.wasReady = true;
        this.subscribed = true;
      }).catch(() => {});
    });
    this.sub.on('close', () => {
      this.subscribed = false;
      // Anything cached while we could not hear events is suspect.
      this.deliver({ kind: 'all' });
    });
    this.sub.on('message', (ch: string, msg: string) => this.onMessage(ch, msg));
  }

  private subscribed = false;
  private sessions = 0;

  get session(): number {
    return this.sessions;
  }

  get healthy(): boolean {
    return this.subscribed && this.sub.status === 'ready';
  }

  private deliver(e: InvalidationEvent) {
    for (const h of this.handlers) h(e);
  }

  private onMessage(ch: string, msg: string) {
    let parsed: { id: string; event?: InvalidationEvent };
    try {
      parsed = JSON.parse(msg);
    } catch {
      return;
    }
    if (ch === this.ackChannel) {
      const p = this.pending.get(parsed.id);
      if (p && ++p.got >= p.needed) p.done();
      return;
    }
    if (parsed.event) this.deliver(parsed.event);
    this.pub.publish(this.ackChannel, JSON.stringify({ id: parsed.id })).catch(() => {});
  }

  async publish(event: InvalidationEvent): Promise<boolean> {
    // Apply locally first: this instance must never serve a stale answer after its own change.
    this.deliver(event);
    const id = randomUUID();
    let receivers: number;
    try {
      let resolveDone!: () => void;
      const done = new Promise<void>((r) => (resolveDone = r));
      this.pending.set(id, { needed: Infinity, got: 0, done: resolveDone });
      receivers = await this.pub.publish(this.channel, JSON.stringify({ id, event }));
      const p = this.pending.get(id)!;
      p.needed = receivers;
      if (p.got >= receivers) p.done();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, this.ackTimeoutMs)))]);
      clearTimeout(timer);
      // Missing acks past the bound mean a slow peer, not a lost event: PUBLISH delivered it.
      return true;
    } catch {
      // Redis is down: peers that lost their subscription distrust their caches (see healthy);
      // the caller records that the change did not reach Redis (see KeyLookup.missedInvalidation).
      return false;
    } finally {
      this.pending.delete(id);
    }
  }

  subscribe(handler: InvalidationHandler): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    this.pub.disconnect();
  }
}
