/**
 * Gemini endpoints and headers. The key always travels in `x-goog-api-key`, never in the URL
 * (a `?key=` would end up in access logs along the way). Streams are always requested with
 * `alt=sse`; clients wanting the JSON-array stream get it reframed by the gateway.
 */
import type { UpstreamTarget } from './upstream-target.ts';
import { geminiModelPath } from '../wire/gemini/model-path.ts';

export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'batchEmbedContents';

export function geminiUrl(t: UpstreamTarget, method: GeminiMethod): string {
  const base = t.baseUrl.replace(/\/+$/, '');
  const root = /\/v1(beta|alpha)?$/.test(base) ? base : `${base}/v1beta`;
  const url = `${root}/${geminiModelPath(t.slug)}:${method}`;
  return method === 'streamGenerateContent' ? `${url}?alt=sse` : url;
}

export function geminiHeaders(t: UpstreamTarget): Record<string, string> {
  return { 'content-type': 'application/json', 'x-goog-api-key': t.apiKey };
}
