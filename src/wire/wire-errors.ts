/**
 * Error bodies of the three wire families (OpenAI `{error:{message,type,code}}`, Anthropic
 * `{type:'error',error:{type,message}}`, Gemini `{error:{code,status,message,details}}`, and the
 * pydantic `detail` lists of OpenAI-compatible servers), read the same way whether they come as an
 * HTTP error answer (providers/upstream-errors.ts maps the status) or as an event inside a stream.
 * Messages are sanitised before they reach a client: no URLs, nothing key-shaped.
 */
import { ERROR_CODES, GatewayError, type ErrorCode } from '../errors/index.ts';
import { isRecord } from './wire-guards.ts';
import { SecretScrubber } from '../upstream/secret-scrub.ts';

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

export interface ParsedUpstreamError {
  message: string;
  type: string;
  reasons: string[];
  retryDelay?: number;
}

/** Reads the message out of any of the families' error bodies (and Gemini's JSON-array form). */
export function parseErrorBody(bodyText: string): ParsedUpstreamError | null {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return null;
  }
  if (Array.isArray(json)) json = json[0];
  return parseErrorObject(json);
}

export function parseErrorObject(json: unknown): ParsedUpstreamError | null {
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

/** An error reported inside an already-started upstream stream (Anthropic `event: error`, OpenAI/Gemini `{"error":…}`). */
export function streamError(peer: string, payload: unknown): GatewayError {
  const parsed = parseErrorObject(payload);
  const detail = parsed?.message ? sanitizeUpstreamMessage(parsed.message) : '';
  const code: ErrorCode = parsed && /rate_limit|RESOURCE_EXHAUSTED/.test(parsed.type) ? 'upstream_rate_limited' : 'upstream_error';
  return new GatewayError(code, `${peer} reported an error mid-stream${detail ? `: ${detail}` : ''}`);
}

/** A GatewayError for a code handed to StreamTranslator.fail (unknown codes become upstream_error). */
export function errorForCode(code: string, message: string): GatewayError {
  return new GatewayError((code in ERROR_CODES ? code : 'upstream_error') as ErrorCode, message);
}
