import cluster, { type Worker } from 'node:cluster';

/**
 * A small RPC from cluster workers to the primary: a state-holding service (the in-process
 * limiter, the SQLite usage writer, later a budget ledger or a routing cooldown store) lives once,
 * in the primary, and every worker calls it through an async proxy. Arguments and results must be
 * JSON values (node's IPC channel serialises them; an `undefined` argument other than a trailing one
 * arrives as null), and every method returns (or may return) a
 * promise. Calls made in one event-loop turn travel in one message, and answers come back batched
 * the same way, so a burst of requests costs a few IPC messages rather than one per call; calls are
 * pipelined (a slow one never holds back the answers of the others).
 */

/** A service's methods as a worker sees them: the same names, always async. */
export type Remote<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

interface Call { id: number; s: string; m: string; a: unknown[] }
interface Answer { id: number; ok: boolean; v?: unknown; e?: { message: string; name?: string; code?: string } }
type RpcMessage = { odockRpc: 'calls'; calls: Call[] } | { odockRpc: 'answers'; answers: Answer[] };

function isRpc(m: unknown): m is RpcMessage {
  return typeof m === 'object' && m !== null && 'odockRpc' in m;
}

/** Raised in a worker when the primary answered with an error, or could not be reached. */
export class PrimaryRpcError extends Error {
  constructor(message: string, readonly code?: string, name?: string) {
    super(message);
    if (name) this.name = name;
  }
}

// ---------------------------------------------------------------- primary side

type Service = Record<string, unknown>;

/** In the primary: the services workers may call. Register them before the workers are forked. */
export class PrimaryRpcHost {
  private readonly services = new Map<string, Service>();

  register(name: string, service: object): void {
    if (this.services.has(name)) throw new Error(`RPC service ${name} registered twice`);
    this.services.set(name, service as Service);
  }

  /** Serves one worker's calls (call it for every forked worker). */
  attach(worker: Worker): void {
    let outbox: Answer[] = [];
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      const answers = outbox;
      outbox = [];
      if (worker.isConnected()) worker.send({ odockRpc: 'answers', answers } satisfies RpcMessage, undefined, () => {});
    };
    const answer = (a: Answer) => {
      outbox.push(a);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    };
    worker.on('message', (msg: unknown) => {
      if (!isRpc(msg) || msg.odockRpc !== 'calls') return;
      for (const c of msg.calls) this.run(c).then(answer);
    });
  }

  private async run(c: Call): Promise<Answer> {
    try {
      const service = this.services.get(c.s);
      const fn = service?.[c.m];
      if (typeof fn !== 'function' || c.m.startsWith('_') || c.m === 'constructor') throw new Error(`no RPC method ${c.s}.${c.m}`);
      const v = await (fn as (...a: unknown[]) => unknown).apply(service, c.a);
      return { id: c.id, ok: true, v };
    } catch (e) {
      const err = e as { message?: string; name?: string; code?: unknown };
      return { id: c.id, ok: false, e: { message: String(err?.message ?? e), name: err?.name, code: typeof err?.code === 'string' ? err.code : undefined } };
    }
  }
}

// ---------------------------------------------------------------- worker side

class PrimaryRpcClient {
  private seq = 0;
  private outbox: Call[] = [];
  private scheduled = false;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    process.on('message', (msg: unknown) => {
      if (!isRpc(msg) || msg.odockRpc !== 'answers') return;
      for (const a of msg.answers) {
        const w = this.waiting.get(a.id);
        if (!w) continue;
        this.waiting.delete(a.id);
        if (a.ok) w.resolve(a.v);
        else w.reject(new PrimaryRpcError(a.e?.message ?? 'RPC failed', a.e?.code, a.e?.name));
      }
    });
    // The primary went away: nothing will answer the calls still waiting.
    process.on('disconnect', () => this.failAll('the primary process is gone'));
  }

  call(s: string, m: string, a: unknown[]): Promise<unknown> {
    if (!process.connected) return Promise.reject(new PrimaryRpcError('the primary process is gone', 'ERR_IPC_CHANNEL_CLOSED'));
    // IPC carries JSON: a trailing `undefined` would arrive as null and defeat a default parameter.
    let n = a.length;
    while (n > 0 && a[n - 1] === undefined) n--;
    if (n < a.length) a = a.slice(0, n);
    const id = ++this.seq;
    const p = new Promise<unknown>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.outbox.push({ id, s, m, a });
    if (!this.scheduled) {
      this.scheduled = true;
      // One message per event-loop turn: every call made while handling this turn's sockets.
      setImmediate(() => this.flush());
    }
    return p;
  }

  private flush() {
    this.scheduled = false;
    const calls = this.outbox;
    this.outbox = [];
    if (calls.length === 0) return;
    process.send!({ odockRpc: 'calls', calls } satisfies RpcMessage, undefined, {}, (err) => {
      if (!err) return;
      for (const c of calls) {
        const w = this.waiting.get(c.id);
        this.waiting.delete(c.id);
        w?.reject(new PrimaryRpcError(`cannot reach the primary process: ${err.message}`, 'ERR_IPC_CHANNEL_CLOSED'));
      }
    });
  }

  private failAll(reason: string) {
    for (const w of this.waiting.values()) w.reject(new PrimaryRpcError(reason, 'ERR_IPC_CHANNEL_CLOSED'));
    this.waiting.clear();
  }
}

let client: PrimaryRpcClient | undefined;

/** In a worker: an async proxy of the primary's service `name`. */
export function primaryService<T extends object>(name: string): Remote<T> {
  if (!cluster.isWorker) throw new Error('primaryService() is for cluster workers');
  client ??= new PrimaryRpcClient();
  const c = client;
  const methods = new Map<string, (...a: unknown[]) => Promise<unknown>>();
  return new Proxy({} as Remote<T>, {
    get(_t, prop) {
      if (typeof prop !== 'string' || prop === 'then') return undefined; // not a thenable
      let fn = methods.get(prop);
      if (!fn) {
        fn = (...a: unknown[]) => c.call(name, prop, a);
        methods.set(prop, fn);
      }
      return fn;
    },
  });
}
