/**
 * Upstream error answers → catalogued GatewayErrors. The upstream's own message is kept when it
 * helps the client fix its request (400), after removing what must never leak: URLs, anything
 * key-shaped, the provider key itself. A rejected provider key is the operator's problem, so the
 * client gets a 502 that says so without echoing any of it.
 */
import { GatewayError } from '../errors/index.ts';
import type { ProviderType } from './provider-types.ts';
import { peerName } from './peer-names.ts';
import { SecretScrubber } from '../upstream/secret-scrub.ts';
import { parseErrorBody, sanitizeUpstreamMessage, type ParsedUpstreamError } from '../wire/wire-errors.ts';

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Seconds to wait, from Retry-After (seconds or HTTP date), OpenAI's retry-after-ms, or Gemini's RetryInfo. */
function retryAfter(headers: Headers, parsed: ParsedUpstreamError | null): number | undefined {
  const ra = header(headers, 'retry-after');
  if (ra !== undefined) {
    if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.max(1, Math.ceil(Number(ra)));
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(1, Math.ceil((at - Date.now()) / 1000));
  }
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.max(1, Math.ceil(Number(ms) / 1000));
  return parsed?.retryDelay;
}

function looksLikeHtml(bodyText: string, headers: Headers): boolean {
  const ct = header(headers, 'content-type') ?? '';
  return ct.includes('text/html') || /^\s*</.test(bodyText);
}

export function mapUpstreamError(providerType: ProviderType, status: number, headers: Headers, rawBody: string, apiKey?: string): GatewayError {
  const peer = peerName(providerType);
  // Scrubbed before parsing: an escaped spelling of the key decodes into the message otherwise.
  const bodyText = apiKey ? (SecretScrubber.for(apiKey)?.scrub(rawBody) ?? rawBody) : rawBody;
  const html = looksLikeHtml(bodyText, headers);
  const parsed = html ? null : parseErrorBody(bodyText);
  const detail = parsed?.message ? sanitizeUpstreamMessage(parsed.message, apiKey) : '';
  const extra = { upstream_status: status };
  const keyRejected = () =>
    new GatewayError('upstream_error', `${peer} rejected the provider key configured in Odock (HTTP ${status}); an operator must check or replace it`, extra);

  // Gemini answers an invalid key with 400 INVALID_ARGUMENT / API_KEY_INVALID, not 401.
  if (parsed && (parsed.reasons.includes('API_KEY_INVALID') || parsed.reasons.includes('invalid_api_key'))) return keyRejected();
  if (status === 400 || status === 422) {
    return new GatewayError('invalid_request', detail ? `${peer} rejected the request: ${detail}` : `${peer} rejected the request (HTTP ${status})`, extra);
  }
  if (status === 401 || status === 403) return keyRejected();
  if (status === 404) {
    return new GatewayError('upstream_error', `${peer} has no such model or deployment (HTTP 404); an operator must check the model's upstream slug`, extra);
  }
  if (status === 408 || status === 504) return new GatewayError('upstream_timeout', `${peer} timed out (HTTP ${status})`, extra);
  if (status === 413) return new GatewayError('payload_too_large', `${peer} refused the request as too large`, extra);
  if (status === 429) {
    const wait = retryAfter(headers, parsed);
    const msg = `${peer} rate-limited the request${detail ? `: ${detail}` : ''}`;
    return wait === undefined
      ? new GatewayError('upstream_rate_limited', msg, extra)
      : new GatewayError('upstream_rate_limited', msg, { ...extra, retry_after: wait }, { 'retry-after': String(wait) });
  }
  if (html) return new GatewayError('upstream_error', `${peer} answered HTTP ${status} with an HTML error page`, extra);
  if (!parsed) return new GatewayError('upstream_error', `${peer} answered HTTP ${status} with an unreadable body`, extra);
  return new GatewayError('upstream_error', `${peer} failed (HTTP ${status})${detail ? `: ${detail}` : ''}`, extra);
}
