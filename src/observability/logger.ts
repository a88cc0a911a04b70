import pino, { type Logger } from 'pino';

// The `key` query parameter (Gemini clients) carries a virtual key: never log it.
export function redactUrl(url: string): string {
  return url.replace(/([?&]key=)[^&]*/gi, '$1[redacted]');
}

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-goog-api-key"]', 'req.headers.cookie', '*.apiKey', '*.key', '*.password'], censor: '[redacted]' },
  });
}
