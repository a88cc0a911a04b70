import { performance } from 'node:perf_hooks';
import type { AppDeps } from '../context.ts';
import { methodLabel, type RpcId } from './jsonrpc.ts';

export interface CallEntry {
  method: string | null;
  tool: string | null;
  rpcId?: RpcId;
  bytesIn: number;
  bytesOut: number;
  status: number;
  errorCode: string | null;
  blocked: boolean;
  /** What the call cost (a priced tool call), nano-USD. */
  costNano?: number;
  /** performance.now() when its answer was written; the flush time otherwise. */
  endedAt?: number;
}

// Client-chosen strings: bounded, and without NUL, which PostgreSQL text cannot hold.
const cut = (s: string | null, n: number) => (s === null ? null : (s.length > n ? s.slice(0, n) : s).replace(/\u0000/g, '\uFFFD'));

/**
 * The MCP usage of one HTTP request: one entry per JSON-RPC message of a POST (a batch gives
 * several), or one for a GET stream or a DELETE. Each entry becomes one MCP usage record,
 * written once the response is over with an id of the gateway's own. The request id is the
 * client's label, never a key: records of a batch get `#n` after it so they can be told apart.
 */
export class CallLog {
  readonly entries: CallEntry[] = [];
  orgId: string | undefined;
  keyId: string | undefined;
  serverId: string | undefined;
  private readonly t0 = performance.now();

  constructor(private readonly requestId: string) {}

  add(e: Partial<CallEntry> & { method: string | null }): CallEntry {
    const entry: CallEntry = { tool: null, bytesIn: 0, bytesOut: 0, status: 200, errorCode: null, blocked: false, ...e };
    this.entries.push(entry);
    return entry;
  }

  forId(id: RpcId | null | undefined): CallEntry | undefined {
    if (id === undefined || id === null) return undefined;
    return this.entries.find((e) => e.rpcId === id);
  }

  /** Bytes written to the client: to the entry they answer, else to the first one. */
  out(bytes: number, id?: RpcId | null): void {
    const e = this.forId(id) ?? this.entries[0];
    if (e) e.bytesOut += bytes;
  }

  answered(id: RpcId | null | undefined): void {
    const e = this.forId(id);
    if (e && e.endedAt === undefined) e.endedAt = performance.now();
  }

  /** The whole request failed: entries without an outcome of their own take this one. */
  fail(status: number, code: string): void {
    if (this.entries.length === 0) this.add({ method: null });
    for (const e of this.entries) {
      if (e.errorCode === null && e.endedAt === undefined) {
        e.status = status;
        e.errorCode = code;
      }
    }
  }

  flush(deps: AppDeps): void {
    if (!this.orgId) return; // unauthenticated: nothing to attribute the call to
    const now = performance.now();
    this.entries.forEach((e, i) => {
      deps.metrics.mcpRequest(methodLabel(e.method), e.status);
      deps.usage.recordMcp({
        request_id: i === 0 ? this.requestId : `${this.requestId}#${i}`,
        organisation_id: this.orgId!,
        api_key_id: this.keyId ?? null,
        mcp_server_id: this.serverId ?? null,
        method: cut(e.method, 200),
        tool: cut(e.tool, 200),
        bytes_in: e.bytesIn,
        bytes_out: e.bytesOut,
        status: e.status,
        error_code: e.errorCode,
        blocked: e.blocked ? 1 : 0,
        latency_ms: Math.max(0, Math.round((e.endedAt ?? now) - this.t0)),
        cost_nano_usd: e.costNano ?? 0,
      });
    });
  }
}
