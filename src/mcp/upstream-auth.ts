import { request, type Dispatcher } from 'undici';
import type { McpServerRoute } from '../access/org-routes.ts';
import { GatewayError } from '../errors/index.ts';
import { assertSafeBaseUrl } from '../upstream/ssrf-guard.ts';
import { readBody } from '../upstream/client.ts';

interface CachedToken {
  token: string;
  /** Epoch ms after which the token is fetched again (a margin before its real expiry). */
  refreshAt: number;
}

const TOKEN_TIMEOUT_MS = 15_000;
const DEFAULT_LIFETIME_S = 300;
const MAX_TOKEN_BODY = 64 * 1024;

const authError = () => new GatewayError('mcp_auth_error', 'The gateway could not authenticate to the MCP server');

/**
 * The server's own upstream credentials, never the client's: BEARER sends the stored token,
 * BASIC the stored username and password, OAUTH2 an access token from the client-credentials
 * grant (RFC 6749 §4.4), cached until shortly before it expires and fetched once for all
 * concurrent callers. Tokens are keyed by server and its updatedAt, so an edited server never
 * reuses a token obtained with old settings.
 */
export class UpstreamAuth {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<CachedToken>>();

  constructor(private readonly allowPrivate: boolean) {}

  /** The upstream's auth headers; a token endpoint is called on `agent`, the calling organisation's pool. */
  async headers(route: McpServerRoute, agent: Dispatcher): Promise<Record<string, string>> {
    try {
      return await this.credentials(route, agent);
    } catch (e) {
      // A stored secret that no longer decrypts is a credentials problem, not a crash.
      throw e instanceof GatewayError ? e : authError();
    }
  }

  private async credentials(route: McpServerRoute, agent: Dispatcher): Promise<Record<string, string>> {
    switch (route.authType) {
      case 'BEARER': {
        const secret = route.authSecret();
        if (!secret) throw authError();
        return { authorization: `Bearer ${secret}` };
      }
      case 'BASIC': {
        const secret = route.authSecret();
        const user = typeof route.authConfig.username === 'string' ? route.authConfig.username : '';
        if (secret === null) throw authError();
        return { authorization: `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}` };
      }
      case 'OAUTH2':
        return { authorization: `Bearer ${(await this.token(route, agent)).token}` };
      default:
        return {};
    }
  }

  /** The upstream refused our token: forget it so the next attempt fetches a new one. */
  invalidate(route: McpServerRoute): void {
    this.tokens.delete(cacheKey(route));
  }

  /** Drops tokens of servers that no longer exist or changed. */
  retain(live: (serverId: string, updatedAt: string) => boolean): void {
    for (const k of this.tokens.keys()) {
      const [id, at] = k.split('|');
      if (!live(id, at)) this.tokens.delete(k);
    }
  }

  private async token(route: McpServerRoute, agent: Dispatcher): Promise<CachedToken> {
    const key = cacheKey(route);
    const cached = this.tokens.get(key);
    if (cached && cached.refreshAt > Date.now()) return cached;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.fetchToken(route, agent).then((t) => {
        this.tokens.set(key, t);
        return t;
      }).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async fetchToken(route: McpServerRoute, agent: Dispatcher): Promise<CachedToken> {
    const cfg = route.authConfig as { tokenUrl?: string; clientId?: string; scope?: string; audience?: string };
    const secret = route.authSecret();
    if (!cfg.tokenUrl || !cfg.clientId || !secret) throw authError();
    let url: string;
    try {
      url = assertSafeBaseUrl(cfg.tokenUrl, this.allowPrivate, 'authConfig.tokenUrl');
    } catch {
      throw authError();
    }
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (cfg.scope) form.set('scope', cfg.scope);
    if (cfg.audience) form.set('audience', cfg.audience);
    // client_secret_basic is the method every authorization server must accept (RFC 6749 §2.3.1);
    // some only take client_secret_post, so an invalid_client answer is retried that way once.
    const basic = Buffer.from(`${encodeURIComponent(cfg.clientId)}:${encodeURIComponent(secret)}`).toString('base64');
    let res = await this.post(agent, url, form.toString(), { authorization: `Basic ${basic}` });
    if (res.status === 400 || res.status === 401) {
      const post = new URLSearchParams(form);
      post.set('client_id', cfg.clientId);
      post.set('client_secret', secret);
      res = await this.post(agent, url, post.toString(), {});
    }
    if (res.status !== 200) throw authError();
    let body: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(res.text);
    } catch {
      throw authError();
    }
    if (typeof body.access_token !== 'string' || body.access_token.length === 0) throw authError();
    if (typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer') throw authError();
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : Number(body.expires_in) > 0 ? Number(body.expires_in) : DEFAULT_LIFETIME_S;
    // Refresh at 90 % of the lifetime, at most 60 s early, so a token is never sent as it expires.
    const margin = Math.min(60, lifetime * 0.1);
    return { token: body.access_token, refreshAt: Date.now() + (lifetime - margin) * 1000 };
  }

  private async post(agent: Dispatcher, url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    try {
      const res = await request(url, {
        method: 'POST', dispatcher: agent, body, headersTimeout: TOKEN_TIMEOUT_MS, bodyTimeout: TOKEN_TIMEOUT_MS,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
      });
      const text = (await readBody(res.body, MAX_TOKEN_BODY)).toString('utf8');
      return { status: res.statusCode, text };
    } catch {
      throw authError();
    }
  }
}

function cacheKey(route: McpServerRoute): string {
  return `${route.id}|${route.updatedAt}`;
}
