import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { ResolvedAuth } from '../../auth/auth-entry.ts';
import type { McpServerRoute, OrgRouteTable } from '../../access/org-routes.ts';
import type { UpstreamAuth } from '../upstream-auth.ts';
import { BridgeSession } from './bridge-session.ts';
import { Mux } from './mux.ts';
import { SseChannel } from './sse-channel.ts';
import { StdioChannel, type StdioSpec } from './stdio-channel.ts';
import { GatewayError } from '../../errors/index.ts';
import { stdioNameOf, type StdioAllowlist } from '../stdio-allowlist.ts';

const SESSION_IDLE_MS = 30 * 60_000;
const CHILD_IDLE_MS = 10 * 60_000;
const SWEEP_MS = 60_000;

interface StdioServer {
  mux: Mux;
  orgId: string;
  updatedAt: string;
  channel: StdioChannel | undefined;
  idleSince: number;
}

/**
 * The gateway's bridged sessions and STDIO children on this instance. A STDIO server runs as
 * one child per server per instance, shared by all its sessions, restarted on crash, restarted
 * with new settings when the server changes, stopped when it is removed or disabled, idle for
 * ten minutes, or the gateway shuts down. A legacy SSE server gets one upstream stream per
 * client session. Bridged sessions live in this process: behind a load balancer they need
 * sticky sessions (streamable HTTP upstreams do not).
 */
export class Bridges {
  private readonly sessions = new Map<string, BridgeSession>();
  private readonly stdio = new Map<string, StdioServer>();
  /** The latest route of each STDIO server, so a restart uses current settings. */
  private readonly current = new Map<string, McpServerRoute>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly agentFor: (orgId: string) => Dispatcher, private readonly upstreamAuth: UpstreamAuth, private readonly allowPrivate: boolean,
    private readonly logger: Logger, private readonly allowlist: StdioAllowlist,
  ) {
    this.timer = setInterval(() => this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  /** A new session (the client's initialize); the upstream is connected before it returns. */
  async open(auth: ResolvedAuth, route: McpServerRoute): Promise<BridgeSession> {
    let mux: Mux;
    if (route.transport === 'STDIO') {
      this.stdioSpec(route); // refused before any session or child exists
      mux = (await this.stdioServer(route, auth.orgId)).mux;
    } else {
      const agent = this.agentFor(auth.orgId);
      mux = new Mux({
        open: () => new SseChannel(agent, this.upstreamAuth, route, this.allowPrivate),
        shared: false,
        onDead: () => this.close(session.id),
      });
    }
    const session: BridgeSession = new BridgeSession(auth.keyId, auth.orgId, route.id, route.updatedAt, mux);
    mux.sessions.add(session);
    this.sessions.set(session.id, session);
    try {
      await mux.ensure();
    } catch (e) {
      this.close(session.id);
      throw e;
    }
    return session;
  }

  get(id: string): BridgeSession | undefined {
    const s = this.sessions.get(id);
    if (s) s.lastSeen = Date.now();
    return s;
  }

  close(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    this.sessions.delete(id);
    s.close();
    s.mux.drop(s);
    if (!this.isShared(s.mux)) void s.mux.close();
  }

  /** The STDIO child's process id on this instance, if it runs (operators and tests). */
  stdioPid(serverId: string): number | undefined {
    return this.stdio.get(serverId)?.channel?.pid;
  }

  /** Organisations with bridged sessions or children here. */
  organisations(): string[] {
    const ids = new Set<string>();
    for (const s of this.sessions.values()) ids.add(s.orgId);
    for (const srv of this.stdio.values()) ids.add(srv.orgId);
    return [...ids];
  }

  /** Applies a changed routing table of an organisation to its sessions and children. */
  reconcile(orgId: string, table: OrgRouteTable): void {
    for (const [serverId, srv] of this.stdio) {
      if (srv.orgId !== orgId) continue;
      const route = table.mcpById.get(serverId);
      if (!route || !route.enabled || route.transport !== 'STDIO') this.stopStdio(serverId);
      else if (route.updatedAt !== srv.updatedAt) this.refreshStdio(srv, route);
    }
    for (const s of [...this.sessions.values()]) {
      if (s.orgId !== orgId) continue;
      const route = table.mcpById.get(s.serverId);
      // A changed SSE server may have a new endpoint or credentials: its sessions start over.
      if (!route || !route.enabled || (route.transport !== 'STDIO' && route.updatedAt !== s.updatedAt)) this.close(s.id);
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.timer);
    for (const id of [...this.sessions.keys()]) this.close(id);
    await Promise.all([...this.stdio.keys()].map((id) => this.stopStdio(id)));
  }

  private isShared(mux: Mux): boolean {
    for (const srv of this.stdio.values()) if (srv.mux === mux) return true;
    return false;
  }

  private async stdioServer(route: McpServerRoute, orgId: string): Promise<StdioServer> {
    let srv = this.stdio.get(route.id);
    if (srv && srv.updatedAt !== route.updatedAt) this.refreshStdio(srv, route);
    if (!srv) {
      const entry: StdioServer = { orgId, updatedAt: route.updatedAt, channel: undefined, idleSince: Date.now(), mux: undefined as unknown as Mux };
      entry.mux = new Mux({
        shared: true,
        open: () => (entry.channel = this.stdioChannel(this.current.get(route.id) ?? route)),
        onRestartFailed: (e) => this.logger.warn({ server: route.slug, err: (e as Error).message }, 'MCP stdio server restart failed'),
      });
      this.current.set(route.id, route);
      this.stdio.set(route.id, entry);
      srv = entry;
    }
    return srv;
  }

  private stdioChannel(route: McpServerRoute): StdioChannel {
    return new StdioChannel(this.stdioSpec(route), this.logger, route.slug);
  }

  /**
   * What to run comes only from the deployment's allowlist, looked up by the stored name: the
   * row's own command, args and env are never used (rows from before the allowlist hold
   * free-form commands, and those are never started).
   */
  private stdioSpec(route: McpServerRoute): StdioSpec {
    const name = stdioNameOf(route.command);
    if (!this.allowlist.configured) {
      throw new GatewayError('mcp_upstream_error', 'STDIO MCP servers are disabled on this gateway (no ODOCK_MCP_STDIO_ALLOWLIST)');
    }
    if (name === null) {
      throw new GatewayError('mcp_upstream_error', 'This STDIO MCP server has a free-form command, which the gateway never runs; an admin must choose a stdioCommand from the deployment allowlist');
    }
    const entry = this.allowlist.entries.get(name);
    if (!entry) throw new GatewayError('mcp_upstream_error', `The STDIO command '${name}' is not in the deployment allowlist`);
    return { command: entry.command, args: [...entry.args], env: { ...entry.env }, runAs: this.allowlist.runAs };
  }

  private refreshStdio(srv: StdioServer, route: McpServerRoute): void {
    srv.updatedAt = route.updatedAt;
    this.current.set(route.id, route);
    void srv.mux.restart();
  }

  private async stopStdio(serverId: string): Promise<void> {
    const srv = this.stdio.get(serverId);
    if (!srv) return;
    this.stdio.delete(serverId);
    this.current.delete(serverId);
    for (const s of [...srv.mux.sessions]) this.close(s.id);
    await srv.mux.close();
  }

  private sweep(): void {
    const now = Date.now();
    for (const s of [...this.sessions.values()]) {
      if (!s.streaming && now - s.lastSeen > SESSION_IDLE_MS) this.close(s.id);
    }
    for (const [id, srv] of this.stdio) {
      if (srv.mux.sessions.size > 0) srv.idleSince = now;
      else if (now - srv.idleSince > CHILD_IDLE_MS) void this.stopStdio(id);
    }
  }
}
