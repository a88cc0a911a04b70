import { Agent } from 'undici';
import type { AppDeps } from '../../context.ts';
import { guardedLookup } from '../../upstream/ssrf-guard.ts';
import { Bridges } from './bridge/bridges.ts';
import { endAllStreams } from './client-stream.ts';
import { SessionCodec } from './session-token.ts';
import { StreamGuard } from './stream-guard.ts';
import { UpstreamAuth } from './upstream-auth.ts';

/**
 * What the MCP route group keeps for the life of the app: one keep-alive connection pool for
 * MCP upstreams and token endpoints (connect-time SSRF check on every resolved address, no
 * redirects), the OAuth2 token cache, the session codec, bridged sessions and STDIO children,
 * and the guard that cuts open streams when access is withdrawn.
 */
export class McpRuntime {
  readonly agent: Agent;
  readonly allowPrivate: boolean;
  readonly upstreamAuth: UpstreamAuth;
  readonly sessions: SessionCodec;
  readonly bridges: Bridges;
  readonly guard: StreamGuard;
  private pendingOrgs = new Set<string>();
  private everything = false;
  private scheduled = false;

  constructor(private readonly deps: AppDeps) {
    this.allowPrivate = deps.config.ODOCK_ALLOW_PRIVATE_UPSTREAMS;
    this.agent = new Agent({
      keepAliveTimeout: 30_000, connections: 128, pipelining: 1,
      connect: { timeout: 10_000, lookup: guardedLookup(this.allowPrivate) as never },
    });
    this.upstreamAuth = new UpstreamAuth(this.agent, this.allowPrivate);
    this.sessions = new SessionCodec(deps.vault);
    this.bridges = new Bridges(this.agent, this.upstreamAuth, this.allowPrivate, deps.logger);
    this.guard = new StreamGuard(deps);
    // Server changes reach bridged sessions, STDIO children and cached tokens on every instance.
    deps.bus.subscribe((e) => {
      if (e.kind === 'org') this.pendingOrgs.add(e.orgId);
      else if (e.kind === 'all') this.everything = true;
      else return;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.reconcile());
      }
    });
  }

  private async reconcile(): Promise<void> {
    const orgs = this.everything ? null : this.pendingOrgs;
    this.pendingOrgs = new Set();
    this.everything = false;
    this.scheduled = false;
    const targets = orgs ? [...orgs] : this.bridges.organisations();
    const live = new Map<string, string>();
    for (const orgId of targets) {
      try {
        const table = await this.deps.orgRoutes.get(orgId);
        this.bridges.reconcile(orgId, table);
        for (const r of table.mcpById.values()) live.set(r.id, r.updatedAt);
      } catch (e) {
        this.deps.logger.warn({ orgId, err: (e as Error).message }, 'MCP: could not reload servers after a change');
        return;
      }
    }
    if (!orgs) this.upstreamAuth.retain((id, at) => live.get(id) === at);
    else this.upstreamAuth.retain((id, at) => !live.has(id) || live.get(id) === at);
  }

  private closing: Promise<void> | undefined;

  close(): Promise<void> {
    this.closing ??= (async () => {
      endAllStreams();
      this.guard.cutAll();
      await this.bridges.closeAll();
      await this.agent.close();
    })();
    return this.closing;
  }
}
