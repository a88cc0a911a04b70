import type { Dispatcher } from 'undici';
import type { McpServerRoute } from '../../access/org-routes.ts';
import { GatewayError } from '../../errors/index.ts';
import type { RpcMessage } from '../jsonrpc.ts';
import { SseBlockSplitter } from '../sse-blocks.ts';
import type { UpstreamAuth } from '../upstream-auth.ts';
import { cut, discard, endpointOf, upstreamFetch, type UpstreamRes } from '../upstream-http.ts';
import type { Channel } from './channel.ts';

const ENDPOINT_WAIT_MS = 15_000;
const POST_BODY_TIMEOUT_MS = 60_000;

const upstreamError = (m: string) => new GatewayError('mcp_upstream_error', m);

/**
 * The legacy HTTP+SSE transport (MCP 2024-11-05), client side: a GET opens the event stream,
 * whose first `endpoint` event names the URL to POST messages to; answers come back on the
 * stream. One channel per client session, as the legacy server keeps a session per stream.
 * The message URL must stay on the endpoint's origin, so a server cannot make the gateway send
 * its credentials (or requests) anywhere else.
 */
export class SseChannel implements Channel {
  onmessage: (msg: RpcMessage) => void = () => {};
  onclose: (reason: string) => void = () => {};
  private readonly ac = new AbortController();
  private res: UpstreamRes | undefined;
  private postUrl: string | undefined;
  private closed = false;

  constructor(
    private readonly agent: Dispatcher, private readonly auth: UpstreamAuth, private readonly route: McpServerRoute, private readonly allowPrivate: boolean,
  ) {}

  async start(): Promise<void> {
    const base = endpointOf(this.route, this.allowPrivate);
    const res = await upstreamFetch(this.agent, this.auth, this.route, this.allowPrivate, {
      method: 'GET', headers: { accept: 'text/event-stream' }, signal: this.ac.signal, bodyTimeoutMs: 0,
    });
    const type = String(res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (res.statusCode !== 200 || type !== 'text/event-stream') {
      discard(res);
      throw upstreamError(`The MCP server did not open an event stream (HTTP ${res.statusCode})`);
    }
    this.res = res;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(upstreamError('The MCP server did not announce its message endpoint'));
        void this.close();
      }, ENDPOINT_WAIT_MS);
      const onEndpoint = (data: string) => {
        clearTimeout(timer);
        let url: URL;
        try {
          url = new URL(data.trim(), base);
        } catch {
          reject(upstreamError('The MCP server announced an invalid message endpoint'));
          return void this.close();
        }
        if (url.origin !== new URL(base).origin) {
          reject(upstreamError('The MCP server announced a message endpoint on another origin'));
          return void this.close();
        }
        this.postUrl = url.toString();
        resolve();
      };
      void this.read(res, onEndpoint, (reason) => {
        clearTimeout(timer);
        reject(upstreamError('The MCP server closed its event stream'));
        this.ended(reason);
      });
    });
  }

  private async read(res: UpstreamRes, onEndpoint: (data: string) => void, onEnd: (reason: string) => void): Promise<void> {
    const splitter = new SseBlockSplitter();
    let reason = 'stream ended';
    try {
      for await (const chunk of res.body) {
        for (const b of splitter.push(chunk as Buffer)) {
          if (b.data === null) continue;
          if (b.event === 'endpoint') onEndpoint(b.data);
          else if (b.event === 'message') this.dispatch(b.data);
        }
      }
    } catch {
      reason = 'stream failed';
    }
    onEnd(reason);
  }

  private dispatch(data: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    for (const m of Array.isArray(msg) ? msg : [msg]) if (m && typeof m === 'object') this.onmessage(m as RpcMessage);
  }

  async send(msg: RpcMessage): Promise<void> {
    if (this.closed || !this.postUrl) throw upstreamError('The MCP server session is closed');
    const res = await upstreamFetch(this.agent, this.auth, this.route, this.allowPrivate, {
      method: 'POST', url: this.postUrl, headers: { 'content-type': 'application/json' }, body: JSON.stringify(msg),
      signal: this.ac.signal, bodyTimeoutMs: POST_BODY_TIMEOUT_MS,
    });
    await res.body.dump().catch(() => {}); // keeps the connection reusable
    if (res.statusCode >= 400) throw upstreamError(`The MCP server refused a message (HTTP ${res.statusCode})`);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ac.abort();
    if (this.res) cut(this.res);
  }

  private ended(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ac.abort();
    this.onclose(reason);
  }
}
