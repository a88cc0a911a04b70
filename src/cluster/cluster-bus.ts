import cluster, { type Worker } from 'node:cluster';
import type { InvalidationBus, InvalidationEvent, InvalidationHandler } from '../cache/invalidation-bus.ts';

/**
 * The invalidation bus of embedded mode with ODOCK_WORKERS > 1: workers share no Redis, so an
 * event is relayed by the primary. Same contract as RedisBus and LocalBus: the publishing worker
 * applies the event first, and publish() resolves only once every other worker has applied it
 * (or the bound passed: a worker that hangs must not hang admin calls forever).
 */

type BusMessage =
  | { odockBus: 'pub'; id: number; event: InvalidationEvent }
  | { odockBus: 'ev'; id: string; event: InvalidationEvent }
  | { odockBus: 'ack'; id: string }
  | { odockBus: 'done'; id: number };

function isBus(m: unknown): m is BusMessage {
  return typeof m === 'object' && m !== null && 'odockBus' in m;
}

/** In the primary: relays each worker's events to every other worker and tells it when all applied them. */
export class ClusterBusRelay {
  private readonly workers = new Set<Worker>();
  private readonly pending = new Map<string, { waiting: Set<Worker>; done: () => void }>();
  private seq = 0;

  constructor(private readonly ackTimeoutMs = 2000) {}

  attach(worker: Worker): void {
    this.workers.add(worker);
    worker.on('message', (msg: unknown) => {
      if (!isBus(msg)) return;
      if (msg.odockBus === 'pub') this.relay(worker, msg.id, msg.event);
      else if (msg.odockBus === 'ack') this.acked(worker, msg.id);
    });
    // A worker that exits will not answer: stop waiting for it.
    worker.once('exit', () => {
      this.workers.delete(worker);
      for (const id of [...this.pending.keys()]) this.acked(worker, id);
    });
  }

  private relay(from: Worker, replyId: number, event: InvalidationEvent) {
    const id = `${++this.seq}`;
    const waiting = new Set([...this.workers].filter((w) => w !== from && w.isConnected()));
    const timer = setTimeout(() => finish(), this.ackTimeoutMs);
    const finish = () => {
      clearTimeout(timer);
      if (!this.pending.delete(id)) return;
      if (from.isConnected()) from.send({ odockBus: 'done', id: replyId } satisfies BusMessage, undefined, () => {});
    };
    this.pending.set(id, { waiting, done: finish });
    for (const w of waiting) w.send({ odockBus: 'ev', id, event } satisfies BusMessage, undefined, (err: Error | null) => this.acked(w, id, true, err));
    if (waiting.size === 0) finish();
  }

  /** `onlyIfFailed`: the send callback, which clears the worker only when the event could not be sent. */
  private acked(w: Worker, id: string, onlyIfFailed = false, err?: unknown) {
    if (onlyIfFailed && !err) return;
    const p = this.pending.get(id);
    if (!p) return;
    p.waiting.delete(w);
    if (p.waiting.size === 0) p.done();
  }
}

/** In a worker: the bus its caches subscribe to. */
export class ClusterBus implements InvalidationBus {
  private readonly handlers: InvalidationHandler[] = [];
  private readonly waiting = new Map<number, () => void>();
  private seq = 0;
  readonly session = 1;
  private readonly onMessage = (msg: unknown) => {
    if (!isBus(msg)) return;
    if (msg.odockBus === 'ev') {
      this.deliver(msg.event);
      process.send!({ odockBus: 'ack', id: msg.id } satisfies BusMessage, undefined, {}, () => {});
    } else if (msg.odockBus === 'done') {
      this.waiting.get(msg.id)?.();
    }
  };

  // The relay bounds its wait; this bound only covers a primary that stopped answering.
  constructor(private readonly timeoutMs = 5000) {
    if (!cluster.isWorker) throw new Error('ClusterBus is for cluster workers');
    process.on('message', this.onMessage);
  }

  /** The primary is the only path to the other workers. */
  get healthy(): boolean {
    return process.connected;
  }

  async publish(event: InvalidationEvent): Promise<boolean> {
    // Apply locally first: this worker must never serve a stale answer after its own change.
    this.deliver(event);
    if (!process.connected) return false;
    const id = ++this.seq;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<boolean>((resolve) => {
        this.waiting.set(id, () => resolve(true));
        timer = setTimeout(() => resolve(false), this.timeoutMs);
        process.send!({ odockBus: 'pub', id, event } satisfies BusMessage, undefined, {}, (err) => err && resolve(false));
      });
    } finally {
      clearTimeout(timer);
      this.waiting.delete(id);
    }
  }

  subscribe(handler: InvalidationHandler): void {
    this.handlers.push(handler);
  }

  private deliver(e: InvalidationEvent) {
    for (const h of this.handlers) h(e);
  }

  async close(): Promise<void> {
    process.off('message', this.onMessage);
  }
}
