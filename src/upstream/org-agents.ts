import { Agent } from 'undici';
import { guardedLookup } from './ssrf-guard.ts';

export interface OrgAgentOptions {
  allowPrivate: boolean;
  /** Most connections one organisation may hold to one upstream origin (UPSTREAM_MAX_CONNECTIONS_PER_ORG). */
  connectionsPerOrigin: number;
  connectTimeoutMs?: number;
  keepAliveMaxTimeout?: number;
}

/**
 * One keep-alive pool per (organisation, upstream origin): an undici Agent per organisation,
 * whose per-origin pools are capped at `connectionsPerOrigin`. One organisation's long streams
 * and open MCP GET streams queue behind its own connections and never take another
 * organisation's, so a tenant cannot starve the others' calls to the same upstream. Every
 * resolved address is checked at connect time (SSRF guard); redirects are never followed.
 */
export class OrgAgents {
  private readonly agents = new Map<string, Agent>();
  private closed = false;

  constructor(private readonly o: OrgAgentOptions) {}

  for(orgId: string): Agent {
    let a = this.agents.get(orgId);
    if (!a) {
      a = new Agent({
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: this.o.keepAliveMaxTimeout ?? 600_000,
        connections: this.o.connectionsPerOrigin,
        pipelining: 1,
        connect: { timeout: this.o.connectTimeoutMs ?? 10_000, lookup: guardedLookup(this.o.allowPrivate) as never },
      });
      // After close (shutdown) a request fails with undici's ClientClosedError, as a closed pool should.
      if (this.closed) void a.close();
      else this.agents.set(orgId, a);
    }
    return a;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(all.map((a) => a.close()));
  }
}
