import type { AppDeps } from '../context.ts';
import type { InvalidationEvent } from '../cache/invalidation-bus.ts';

interface Watched {
  orgId: string;
  rawKey: string;
  serverId: string;
  cut(): void;
}

/**
 * Long-lived MCP streams (a GET stream, a POST answered over SSE) outlive the request that
 * authorised them. Every invalidation event re-runs the same checks for the open streams it can
 * affect (key still valid, server still there and enabled, grant still held) and cuts the ones
 * that fail, so a revoke or a removed grant ends an open session's streams too, not only its
 * next request.
 */
export class StreamGuard {
  private readonly open = new Set<Watched>();
  private queued: InvalidationEvent[] = [];
  private scheduled = false;

  constructor(private readonly deps: AppDeps) {
    deps.bus.subscribe((e) => {
      if (this.open.size === 0) return;
      this.queued.push(e);
      if (!this.scheduled) {
        this.scheduled = true;
        // After the other subscribers (key and route caches) have dropped their entries.
        setImmediate(() => void this.recheck());
      }
    });
  }

  watch(w: { auth: { orgId: string }; rawKey: string; route: { id: string } }, cut: () => void): () => void {
    const entry: Watched = { orgId: w.auth.orgId, rawKey: w.rawKey, serverId: w.route.id, cut };
    this.open.add(entry);
    return () => this.open.delete(entry);
  }

  get size(): number {
    return this.open.size;
  }

  /** Shutdown: every open stream ends now, so the HTTP server can close. */
  cutAll(): void {
    for (const w of [...this.open]) w.cut();
    this.open.clear();
  }

  private async recheck(): Promise<void> {
    const events = this.queued;
    this.queued = [];
    this.scheduled = false;
    const everything = events.some((e) => e.kind !== 'org');
    const orgs = new Set(events.flatMap((e) => (e.kind === 'org' ? [e.orgId] : [])));
    for (const w of [...this.open]) {
      if (!everything && !orgs.has(w.orgId)) continue;
      if (!(await this.stillAllowed(w))) {
        this.open.delete(w);
        w.cut();
      }
    }
  }

  private async stillAllowed(w: Watched): Promise<boolean> {
    try {
      const auth = await this.deps.keyLookup.authenticate(w.rawKey);
      if (auth.orgId !== w.orgId || !auth.mcpServerIdSet.has(w.serverId)) return false;
      const route = (await this.deps.orgRoutes.get(w.orgId)).mcpById.get(w.serverId);
      return !!route && route.enabled;
    } catch (e) {
      // A 401 family error means the key is gone; a store outage must not cut live streams.
      return !(e && typeof e === 'object' && 'status' in e && (e as { status: number }).status === 401);
    }
  }
}
