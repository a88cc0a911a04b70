/**
 * Upstream error answers → catalogued GatewayErrors. The upstream's own message is kept when it
 * helps the client fix its request (400), after removing what must never leak: URLs, anything
 * key-shaped, the provider key itself. A rejected provider key is the operator's problem, so the
 * client gets a 502 that says so without echoing any of it.
 */
import { ERROR_CODES, GatewayError, type ErrorCode } from '../errors/index.ts';
import { isRecord } from '../canonical/wire-guards.ts';
import type { ProviderType } from './provider-types.ts';
import { peerName } from './peer-names.ts';
import { SecretScrubber } from './secret-scrub.ts';

type Headers = Record<string, string | string[] | undefined>;

const MAX_MESSAGE = 300;

export function sanitizeUpstreamMessage(msg: string, apiKey?: string): string {
  let s = msg;
  if (apiKey && apiKey.length >= 4) s = s.split(apiKey).join('[redacted]');
  // Its escaped and URL-encoded spellings too, before anything below could cut a key in two.
  if (apiKey) s = SecretScrubber.for(apiKey)?.scrub(s) ?? s;
  s = s
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)\]]+/gi, '[url]')
    .replace(/\b(?:sk|pk|rk|key)-[A-Za-z0-9_*.-]{4,}/g, '[redacted]')
    .replace(/\bAIza[0-9A-Za-z_-]{10,}/g, '[redacted]')
    .replace(/[A-Za-z0-9_*+/=-]{32,}/g, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > MAX_MESSAGE ? s.slice(0, MAX_MESSAGE - 1) + '…' : s;
}

interface Parsed {
  message: string;
  type: string;
  reasons: string[];
  retryDelay?: number;
}

/** Reads the message out of any of the families' error bodies (and Gemini's JSON-array form). */
export function parseErrorBody(bodyText: string): Parsed | null {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return null;
  }
  if (Array.isArray(json)) json = json[0];
  return parseErrorObject(json);
}

export function parseErrorObject(json: unknown): Parsed | null {
  if (!isRecord(json)) return null;
  const err = isRecord(json.error) ? json.error : json;
  let message = '';
  if (typeof err.message === 'string') message = err.message;
  else if (typeof json.error === 'string') message = json.error;
  else if (typeof json.detail === 'string') message = json.detail;
  else if (isRecord(err.message) && Array.isArray(err.message.detail) && isRecord(err.message.detail[0])) message = validationMessage(err.message.detail[0]);
  if (Array.isArray(json.detail) && isRecord(json.detail[0])) message = validationMessage(json.detail[0]);
  const type = typeof err.type === 'string' ? err.type : typeof err.status === 'string' ? err.status : typeof err.code === 'string' ? err.code : '';
  const reasons: string[] = [];
  let retryDelay: number | undefined;
  if (Array.isArray(err.details)) {
    for (const d of err.details) {
      if (!isRecord(d)) continue;
      if (typeof d.reason === 'string') reasons.push(d.reason);
      if (typeof d.retryDelay === 'string') retryDelay = seconds(d.retryDelay);
    }
  }
  if (typeof err.code === 'string') reasons.push(err.code);
  return { message, type, reasons, retryDelay };
}

/** FastAPI/pydantic validation errors (Mistral, vLLM): `{loc: ['body','logprobs'], msg}` → "logprobs: msg". */
function validationMessage(d: Record<string, unknown>): string {
  const loc = Array.isArray(d.loc) ? d.loc.filter((p) => p !== 'body').join('.') : '';
  const msg = typeof d.msg === 'string' ? d.msg : 'invalid value';
  return loc ? `${loc}: ${msg}` : msg;
}

function seconds(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(v.trim());
  return m ? Math.max(1, Math.ceil(Number(m[1]))) : undefined;
}

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Seconds to wait, from Retry-After (seconds or HTTP date), OpenAI's retry-after-ms, or Gemini's RetryInfo. */
function retryAfter(headers: Headers, parsed: Parsed | null): number | undefined {
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

/** An error reported inside an already-started upstream stream (Anthropic `event: error`, OpenAI/Gemini `{"error":…}`). */
export function streamError(providerType: ProviderType, payload: unknown): GatewayError {
  const peer = peerName(providerType);
  const parsed = parseErrorObject(payload);
  const detail = parsed?.message ? sanitizeUpstreamMessage(parsed.message) : '';
  const code: ErrorCode = parsed && /rate_limit|RESOURCE_EXHAUSTED/.test(parsed.type) ? 'upstream_rate_limited' : 'upstream_error';
  return new GatewayError(code, `${peer} reported an error mid-stream${detail ? `: ${detail}` : ''}`);
}

/** A GatewayError for a code handed to StreamTranslator.fail (unknown codes become upstream_error). */
export function errorForCode(code: string, message: string): GatewayError {
  return new GatewayError((code in ERROR_CODES ? code : 'upstream_error') as ErrorCode, message);
}
