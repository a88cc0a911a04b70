/**
 * Anthropic endpoint and headers. The Messages API is versioned by the `anthropic-version`
 * header (2023-06-01 is the only version; provider config `anthropicVersion` can override it).
 * `relayed`: client headers the Messages format relays on the same-format path (`anthropic-beta`:
 * beta features live in the body the client wrote for them).
 */
import type { UpstreamTarget } from './upstream-target.ts';

export const ANTHROPIC_VERSION = '2023-06-01';

export function anthropicUrl(t: UpstreamTarget): string {
  const base = t.baseUrl.replace(/\/+$/, '');
  return /\/v1$/.test(base) ? `${base}/messages` : `${base}/v1/messages`;
}

export function anthropicHeaders(t: UpstreamTarget, relayed: Record<string, string> = {}): Record<string, string> {
  const version = typeof t.config.anthropicVersion === 'string' && t.config.anthropicVersion ? t.config.anthropicVersion : ANTHROPIC_VERSION;
  const h: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': t.apiKey, 'anthropic-version': version };
  return { ...h, ...relayed };
}
