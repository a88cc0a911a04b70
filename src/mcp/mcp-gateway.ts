import type { AppDeps } from '../context.ts';
import { GatewayError } from '../errors/index.ts';
import { OrgAgents } from '../upstream/org-agents.ts';
import { Bridges } from './bridge/bridges.ts';
import { endAllStreams } from './client-stream.ts';
import { SessionCodec } from './session-token.ts';
import { StreamGuard } from './stream-guard.ts';
import { UpstreamAuth } from './upstream-auth.ts';
import { stdioAllowlistOf } from './stdio-allowlist.ts';

/**
 * What the MCP route group keeps for the life of the app: keep-alive connection pools per
 * organisation and origin for MCP upstreams and token endpoints (connect-time SSRF check on
 * every resolved address, no redirects), the per-organisation count of open streams, the OAuth2
 * token cache, the session codec, bridged sessions and STDIO children (from the deployment's
 * allowlist only), and the guard that cuts open streams when access is withdrawn.
 */
export class McpGateway {
  readonly agents: OrgAgents;
  private readonly openStreams = new Map<string, number>();
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
    this.agents = new OrgAgents({ allowPrivate: this.allowPrivate, connectionsPerOrigin: deps.config.UPSTREAM_MAX_CONNECTIONS_PER_ORG });
    this.upstreamAuth = new UpstreamAuth(this.allowPrivate);
    this.sessions = new SessionCodec(deps.vault);
    // Loaded and checked at boot: a bad allowlist file stops the gateway with a message naming it.
    const allowlist = stdioAllowlistOf(deps.config);
    this.bridges = new Bridges((orgId) => this.agents.for(orgId), this.upstreamAuth, this.allowPrivate, deps.logger, allowlist);
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

  /**
   * Takes one of the organisation's open-stream slots (MCP_MAX_OPEN_STREAMS_PER_ORG) for a GET
   * stream, or refuses with 429: held streams of one tenant must not pile up without bound.
   * The returned function gives the slot back (once).
   */
  openStream(orgId: string): () => void {
    const max = this.deps.config.MCP_MAX_OPEN_STREAMS_PER_ORG;
    const n = this.openStreams.get(orgId) ?? 0;
    if (n >= max) {
      throw new GatewayError('concurrency_exceeded', `This organisation already holds ${max} open MCP streams on this gateway instance; close one first`, { scope: 'organisation', limit: max });
    }
    this.openStreams.set(orgId, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.openStreams.get(orgId) ?? 1) - 1;
      if (left > 0) this.openStreams.set(orgId, left);
      else this.openStreams.delete(orgId);
    };
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
      await this.agents.close();
    })();
    return this.closing;
  }
}
