import type { Vault } from '../crypto/envelope.ts';
import type { ResolvedAuth } from '../auth/auth-entry.ts';

/** What an Odock MCP session id stands for. */
export interface SessionRef {
  /** 'h': an upstream streamable HTTP session; 'b': a session bridged by this gateway (SSE, STDIO). */
  kind: 'h' | 'b';
  /** The upstream's Mcp-Session-Id ('h') or the bridge session id ('b'). */
  ref: string;
}

/**
 * The Mcp-Session-Id the client sees is never the upstream's: it is the upstream id (or the
 * bridge id) sealed with the vault, the key and organisation bound as associated data. So the
 * client never learns the upstream session, a session id only opens for the key that created
 * it and for the same server, and any instance can open it without shared state. A session id
 * authenticates nothing: the key is checked on every request before it is opened.
 */
export class SessionCodec {
  constructor(private readonly vault: Vault) {}

  issue(auth: ResolvedAuth, serverId: string, s: SessionRef): string {
    return this.vault.encrypt(JSON.stringify({ k: s.kind, r: s.ref, s: serverId }), this.ctx(auth));
  }

  /** The session, or null when the id is malformed, forged, or belongs to another key or server. */
  open(auth: ResolvedAuth, serverId: string, token: string): SessionRef | null {
    if (token.length > 4096) return null;
    try {
      const v = JSON.parse(this.vault.decrypt(token, this.ctx(auth))) as { k?: unknown; r?: unknown; s?: unknown };
      if (v.s !== serverId || (v.k !== 'h' && v.k !== 'b') || typeof v.r !== 'string') return null;
      return { kind: v.k, ref: v.r };
    } catch {
      return null;
    }
  }

  private ctx(auth: ResolvedAuth) {
    return { organisationId: auth.orgId, recordId: auth.keyId, purpose: 'mcp_session' };
  }
}
