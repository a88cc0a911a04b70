import { GatewayError } from '../../errors/index.ts';

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 1 << 20;

/**
 * A JSON call to an identity provider. Failures become `sso_failed` naming `what`, never the URL's
 * query, the provider's answer or a secret; redirects are not followed (a token endpoint never redirects).
 */
export async function fetchJson<T>(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }, what: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers }, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw new GatewayError('sso_failed', `Could not reach ${what}`);
  }
  const text = await res.text();
  if (text.length > MAX_BYTES) throw new GatewayError('sso_failed', `${what} answered too much`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new GatewayError('sso_failed', `${what} answered with something that is not JSON (HTTP ${res.status})`);
  }
  if (!res.ok) {
    // OAuth errors (RFC 6749 §5.2) carry a short code such as invalid_grant: safe to show, and what an operator needs.
    const code = (body as { error?: unknown }).error;
    const shown = typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) ? `: ${code}` : '';
    throw new GatewayError('sso_failed', `${what} refused the sign-in (HTTP ${res.status}${shown})`);
  }
  if (!body || typeof body !== 'object') throw new GatewayError('sso_failed', `${what} answered with an unexpected body`);
  return body as T;
}
