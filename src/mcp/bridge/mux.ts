import { GatewayError } from '../../errors/index.ts';
import { kindOf, rpcError, RPC_INTERNAL, RPC_METHOD_NOT_FOUND, type RpcId, type RpcMessage } from '../jsonrpc.ts';
import { filterToolList, type ToolRules } from '../tool-rules.ts';
import type { BridgeSession, Deliver } from './bridge-session.ts';
import type { Channel } from './channel.ts';

/** The protocol revision the gateway speaks when it initializes a shared STDIO child itself. */
export const BRIDGE_PROTOCOL_VERSION = '2025-06-18';
const HANDSHAKE_TIMEOUT_MS = 30_000;
const MAX_RESTART_DELAY_MS = 30_000;

interface Pending {
  session: BridgeSession;
  clientId: RpcId;
  method: string;
  rules: ToolRules;
  deliver: Deliver;
  progressKey?: string;
}

export interface MuxOptions {
  open: () => Channel;
  /**
   * Shared: one upstream for many client sessions (a STDIO child). The gateway initializes it
   * once and answers each client's initialize from that result; it declares no client
   * capabilities, so the child never asks one tenant's client for sampling, roots or input on
   * behalf of another. Not shared: one upstream per client session (legacy SSE), everything
   * passes through.
   */
  shared: boolean;
  /** Not shared: the upstream went away, so the session is over. */
  onDead?: (reason: string) => void;
  onRestartFailed?: (err: unknown) => void;
}

/**
 * Carries client sessions over a message channel. Request ids and progress tokens are
 * rewritten to ones unique on the channel and mapped back on the way out, so sessions sharing
 * a child never see each other's answers; tool lists are filtered with the rules in force when
 * they were asked for.
 */
export class Mux {
  readonly sessions = new Set<BridgeSession>();
  private channel: Channel | undefined;
  private starting: Promise<Channel> | undefined;
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly progress = new Map<string, { pendingKey: string; token: unknown }>();
  private readonly internal = new Map<string, (m: RpcMessage) => void>();
  private initResult: Record<string, unknown> | undefined;
  private restartDelay = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(private readonly o: MuxOptions) {}

  get running(): boolean {
    return !!this.channel;
  }

  /** The live channel, started (and for a shared channel, initialized) if needed. */
  ensure(): Promise<Channel> {
    if (this.closed) return Promise.reject(new GatewayError('mcp_upstream_error', 'The MCP server connection is closed'));
    if (this.channel) return Promise.resolve(this.channel);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<Channel> {
    if (this.restartDelay > 0) await new Promise((r) => setTimeout(r, this.restartDelay));
    let ch: Channel | undefined;
    try {
      const opened = this.o.open(); // may throw: a stored env that no longer decrypts
      ch = opened;
      opened.onmessage = (m) => this.fromUpstream(opened, m);
      opened.onclose = (reason) => this.lost(opened, reason);
      await opened.start();
      if (this.o.shared) await this.handshake(ch);
    } catch (e) {
      await ch?.close().catch(() => {});
      this.restartDelay = Math.min(MAX_RESTART_DELAY_MS, Math.max(250, this.restartDelay * 2));
      throw e instanceof GatewayError ? e : new GatewayError('mcp_upstream_error', 'The MCP server could not be started');
    }
    if (this.closed) {
      await ch.close();
      throw new GatewayError('mcp_upstream_error', 'The MCP server connection is closed');
    }
    this.channel = ch;
    this.startedAt = Date.now();
    return ch;
  }

  private async handshake(ch: Channel): Promise<void> {
    const id = `odock-init-${++this.seq}`;
    const answer = new Promise<RpcMessage>((resolve, reject) => {
      const t = setTimeout(() => reject(new GatewayError('mcp_upstream_error', 'The MCP server did not answer initialize')), HANDSHAKE_TIMEOUT_MS);
      this.internal.set(id, (m) => {
        clearTimeout(t);
        resolve(m);
      });
    });
    await ch.send({
      jsonrpc: '2.0', id, method: 'initialize',
      params: { protocolVersion: BRIDGE_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'odock-gateway', version: '0.1.0' } },
    });
    const m = await answer.finally(() => this.internal.delete(id));
    if (!m.result) throw new GatewayError('mcp_upstream_error', 'The MCP server did not initialize');
    this.initResult = m.result;
    await ch.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  /** Sends a client request; its answer (or an error) goes to `deliver`. */
  async request(session: BridgeSession, msg: RpcMessage, rules: ToolRules, deliver: Deliver): Promise<void> {
    const ch = await this.ensure();
    if (this.o.shared && msg.method === 'initialize') {
      deliver({ jsonrpc: '2.0', id: msg.id as RpcId, result: this.initResult ?? {} });
      return;
    }
    const upId = ++this.seq;
    const key = String(upId);
    const p: Pending = { session, clientId: msg.id as RpcId, method: msg.method!, rules, deliver };
    let params = msg.params;
    const token = params?._meta?.progressToken;
    if (token !== undefined) {
      p.progressKey = `odock-progress-${upId}`;
      this.progress.set(p.progressKey, { pendingKey: key, token });
      params = { ...params, _meta: { ...params!._meta, progressToken: p.progressKey } };
    }
    this.pending.set(key, p);
    try {
      await ch.send({ ...msg, id: upId, ...(params ? { params } : {}) });
    } catch (e) {
      this.settle(key);
      throw e;
    }
  }

  /** Client notifications (and, when not shared, its answers to server requests). */
  async notify(session: BridgeSession, msg: RpcMessage): Promise<void> {
    const ch = await this.ensure();
    if (kindOf(msg) === 'response') {
      if (!this.o.shared) await ch.send(msg);
      return;
    }
    if (this.o.shared && msg.method === 'notifications/initialized') return;
    if (msg.method === 'notifications/cancelled') {
      const key = this.keyOf(session, msg.params?.requestId);
      if (key === undefined) return;
      this.settle(key);
      await ch.send({ ...msg, params: { ...msg.params, requestId: Number(key) } });
      return;
    }
    await ch.send(msg);
  }

  /** The client stopped waiting for these requests: forget them and tell the upstream. */
  abandon(session: BridgeSession, ids: Iterable<RpcId>): void {
    for (const id of ids) {
      const key = this.keyOf(session, id);
      if (key === undefined) continue;
      this.settle(key);
      this.channel?.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: Number(key), reason: 'client disconnected' } }).catch(() => {});
    }
  }

  /** Removes a session; its pending requests are abandoned. */
  drop(session: BridgeSession): void {
    const ids = [...this.pending.values()].filter((p) => p.session === session).map((p) => p.clientId);
    this.abandon(session, ids);
    this.sessions.delete(session);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const ch = this.channel;
    this.channel = undefined;
    this.failAll('The MCP server connection was closed');
    await ch?.close();
  }

  /** Stops the upstream and starts it again (a changed server); sessions carry on. */
  async restart(): Promise<void> {
    const ch = this.channel;
    this.channel = undefined;
    this.failAll('The MCP server was restarted');
    await ch?.close();
    this.restartDelay = 0;
    if (this.sessions.size > 0) this.ensure().catch((e) => this.o.onRestartFailed?.(e));
  }

  private keyOf(session: BridgeSession, clientId: unknown): string | undefined {
    for (const [k, p] of this.pending) if (p.session === session && p.clientId === clientId) return k;
    return undefined;
  }

  private settle(key: string): Pending | undefined {
    const p = this.pending.get(key);
    if (!p) return undefined;
    this.pending.delete(key);
    if (p.progressKey) this.progress.delete(p.progressKey);
    return p;
  }

  private fromUpstream(ch: Channel, m: RpcMessage): void {
    const kind = kindOf(m);
    if (kind === 'response') {
      const waiter = this.internal.get(String(m.id));
      if (waiter) return waiter(m);
      const p = this.settle(String(m.id));
      if (!p) return;
      const out: RpcMessage = { ...m, id: p.clientId };
      if (p.method === 'tools/list' && p.rules.active) filterToolList(out, p.rules);
      p.deliver(out);
      return;
    }
    if (kind === 'request') {
      if (m.method === 'ping') void ch.send({ jsonrpc: '2.0', id: m.id as RpcId, result: {} }).catch(() => {});
      else if (this.o.shared) {
        const err = new GatewayError('mcp_upstream_error', 'Server-to-client requests are not available through the gateway for this server');
        void ch.send(rpcError(m.id, RPC_METHOD_NOT_FOUND, err)).catch(() => {});
      } else for (const s of this.sessions) s.toClient(m);
      return;
    }
    if (kind !== 'notification') return;
    if (m.method === 'notifications/progress') {
      const link = this.progress.get(String(m.params?.progressToken));
      const p = link && this.pending.get(link.pendingKey);
      if (!link || !p) return;
      const out: RpcMessage = { ...m, params: { ...m.params, progressToken: link.token } };
      if (!p.deliver(out)) p.session.toClient(out);
      return;
    }
    for (const s of this.sessions) s.toClient(m);
  }

  private lost(ch: Channel, reason: string): void {
    // A child that dies during the handshake fails it now rather than at its timeout.
    for (const waiter of this.internal.values()) waiter({ jsonrpc: '2.0', id: null, error: { code: RPC_INTERNAL, message: reason } });
    if (this.channel !== ch) return;
    this.channel = undefined;
    this.failAll('The MCP server went away');
    if (!this.o.shared) return this.o.onDead?.(reason);
    if (this.closed || this.sessions.size === 0) return;
    // Restarted on crash, with a growing delay while it keeps crashing soon after starting.
    const quick = Date.now() - this.startedAt < 10_000;
    this.restartDelay = quick ? Math.min(MAX_RESTART_DELAY_MS, Math.max(250, this.restartDelay * 2)) : 0;
    this.restartTimer = setTimeout(() => this.ensure().catch((e) => this.o.onRestartFailed?.(e)), 0);
    this.restartTimer.unref();
  }

  private failAll(message: string): void {
    const err = new GatewayError('mcp_upstream_error', message);
    for (const key of [...this.pending.keys()]) {
      const p = this.settle(key)!;
      p.deliver(rpcError(p.clientId, RPC_INTERNAL, err));
    }
  }
}
