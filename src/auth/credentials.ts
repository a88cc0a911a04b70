import type { IncomingHttpHeaders } from 'node:http';

/**
 * The one place credentials are read from a request. Gemini-compatible routes also accept
 * `x-goog-api-key` and the `key` query parameter. Returns undefined when nothing is sent.
 */
export function extractCredential(headers: IncomingHttpHeaders, query: unknown, gemini: boolean): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.length > 0) {
    const m = /^Bearer[ \t]+(.*)$/i.exec(auth);
    return m ? m[1].trim() : auth.trim();
  }
  const x = headers['x-api-key'];
  if (typeof x === 'string' && x.length > 0) return x.trim();
  if (gemini) {
    const g = headers['x-goog-api-key'];
    if (typeof g === 'string' && g.length > 0) return g.trim();
    const k = (query as Record<string, unknown> | undefined)?.key;
    if (typeof k === 'string' && k.length > 0) return k.trim();
  }
  return undefined;
}
