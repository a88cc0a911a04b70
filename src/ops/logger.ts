import pino, { type DestinationStream, type Logger } from 'pino';

/** Query parameters whose value is a credential, compared after percent-decoding, in any case. */
const SECRET_PARAMS = new Set(['key', 'api_key', 'apikey', 'api-key', 'x-goog-api-key', 'access_token', 'token']);
// A virtual key (odk_), an operator token (odt_) or an upstream sk- key, however it is spelled in a URL.
const SECRET_VALUE = /\b(odk|odt)_[A-Za-z0-9_-]{8,}|\bsk-[A-Za-z0-9_-]{12,}/i;
const REDACTED = '[redacted]';

/** Percent-decodes repeatedly (double encoding included); undecodable text stays as it is. */
function decodeAll(s: string): string {
  let cur = s.replace(/\+/g, ' ');
  for (let i = 0; i < 3 && cur.includes('%'); i++) {
    try {
      const next = decodeURIComponent(cur);
      if (next === cur) break;
      cur = next;
    } catch {
      break;
    }
  }
  return cur;
}

const looksSecret = (s: string) => SECRET_VALUE.test(s) || SECRET_VALUE.test(decodeAll(s));

/**
 * A URL as it may be logged or quoted in an error: the value of any `key`-like query parameter
 * (names decoded first, so `%6Bey` and `KEY` count) and any path segment or parameter holding
 * something key-shaped are replaced by `[redacted]`.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const safePath = path.split('/').map((seg) => (looksSecret(seg) ? REDACTED : seg)).join('/');
  if (q === -1) return safePath;
  const params = url.slice(q + 1).split('&').map((p) => {
    const eq = p.indexOf('=');
    const name = eq === -1 ? p : p.slice(0, eq);
    if (SECRET_PARAMS.has(decodeAll(name).trim().toLowerCase())) return `${name}=${REDACTED}`;
    if (looksSecret(name)) return REDACTED;
    return eq !== -1 && looksSecret(p.slice(eq + 1)) ? `${name}=${REDACTED}` : p;
  });
  return `${safePath}?${params.join('&')}`;
}

/** Key-shaped text inside free text (error messages and stacks). */
export function redactText(text: string): string {
  return text.replace(new RegExp(SECRET_VALUE.source, 'gi'), REDACTED);
}

function errSerializer(err: unknown) {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  for (const f of ['message', 'stack']) if (typeof out[f] === 'string') out[f] = redactText(out[f] as string);
  return out;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: undefined,
    serializers: { err: errSerializer },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-goog-api-key"]', 'req.headers.cookie', '*.apiKey', '*.key', '*.password'], censor: REDACTED },
  }, destination);
}
