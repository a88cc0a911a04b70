import { errors as undiciErrors, type Dispatcher } from 'undici';
import { GatewayError } from '../errors/index.ts';
import { isIP } from 'node:net';
import { addressRefusal } from './ssrf-guard.ts';
import { OrgAgents } from './org-agents.ts';
import type { UpstreamCall } from './upstream-call.ts';
import type { ClientSignal } from './client-signal.ts';

export type UpstreamResponse = Dispatcher.ResponseData;

/**
 * Keep-alive connection pools per organisation and upstream origin (org-agents.ts: one tenant's
 * long streams never hold another's connections), connect-time SSRF check on every resolved
 * address, no redirects followed (undici's request never follows them).
 */
export class UpstreamClient {
  private readonly agents: OrgAgents;
  private readonly allowPrivate: boolean;
  /** Per origin as written: its canonical form (undici's pools are keyed by it), and why an IP-literal
   *  host is refused (null: allowed). Node skips the DNS lookup, and so the connect-time guard, for
   *  IP literals, so they are checked here, once per origin. */
  private readonly origins = new Map<string, { origin: string; refusal: string | null }>();

  constructor(opts: { allowPrivate: boolean; connectionsPerOrg: number; connectTimeoutMs?: number }) {
    this.allowPrivate = opts.allowPrivate;
    this.agents = new OrgAgents({ allowPrivate: opts.allowPrivate, connectionsPerOrigin: opts.connectionsPerOrg, connectTimeoutMs: opts.connectTimeoutMs });
  }

  /** One upstream call on the calling organisation's own pool for the origin. */
  async send(orgId: string, call: UpstreamCall, timeoutMs: number, signal: AbortSignal | ClientSignal): Promise<UpstreamResponse> {
    const end = call.url.indexOf('/', call.url.indexOf('//') + 2);
    const origin = this.checkOrigin(end < 0 ? call.url : call.url.slice(0, end));
    try {
      // The pool's own request, given origin and path: undici's top-level request() would parse the
      // URL again and copy the options on every call.
      return await this.agents.for(orgId).request({
        origin,
        path: end < 0 ? '/' : call.url.slice(end),
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal: signal as AbortSignal,
        // No headers within the provider's timeout → 504. A stream may idle that long between events.
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (e) {
      throw mapTransportError(e, signal);
    }
  }

  close(): Promise<void> {
    return this.agents.close();
  }

  /** The origin's canonical form, once an IP-literal host in it has passed the SSRF guard. */
  private checkOrigin(written: string): string {
    let known = this.origins.get(written);
    if (!known) {
      const url = new URL(written);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      known = { origin: url.origin, refusal: isIP(host) ? addressRefusal(host, this.allowPrivate) : null };
      this.origins.set(written, known);
    }
    if (known.refusal) throw new GatewayError('upstream_error', 'The upstream address is not allowed by the gateway (SSRF guard)');
    return known.origin;
  }
}

/** Transport failures → catalogued errors; the message never names the upstream URL. */
export function mapTransportError(e: unknown, signal?: { readonly aborted: boolean }): Error {
  if (e instanceof GatewayError) return e;
  if (signal?.aborted) return new ClientAbort();
  const err = e as { code?: string; name?: string; cause?: { code?: string } };
  const code = err?.code ?? err?.cause?.code ?? '';
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new GatewayError('upstream_timeout', 'The upstream provider did not answer in time');
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new GatewayError('upstream_timeout', 'Connecting to the upstream provider timed out');
  if (code === 'ESSRF') return new GatewayError('upstream_error', 'The upstream address is not allowed by the gateway (SSRF guard)');
  if (code === 'ECONNREFUSED') return new GatewayError('upstream_error', 'The upstream provider refused the connection');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new GatewayError('upstream_error', 'The upstream provider host could not be resolved');
  return new GatewayError('upstream_error', 'The connection to the upstream provider failed');
}

/** The client went away; nothing is sent back. */
export class ClientAbort extends Error {
  constructor() {
    super('client closed the connection');
    this.name = 'ClientAbort';
  }
}

/** Reads a whole (non-streamed) upstream body, refusing more than `max` bytes. */
export async function readBody(body: AsyncIterable<Buffer>, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size > max) throw new GatewayError('upstream_error', 'The upstream response was too large');
    chunks.push(c);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}
