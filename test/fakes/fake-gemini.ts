import { header, startFake, type FakeUpstream, type RecordedRequest, type ReplyPlan, type SseEvent } from './fake-server.ts';

/**
 * A fake Gemini API upstream: POST /v1beta/models/{model}:generateContent,
 * :streamGenerateContent (?alt=sse → SSE with CRLF framing like Google's; without → a JSON
 * array), :batchEmbedContents and :embedContent. The key is read from `x-goog-api-key` or `?key=`;
 * like the real API a wrong key is 400 INVALID_ARGUMENT / API_KEY_INVALID and a missing one 403.
 * Configure `url` (the origin) as the provider baseUrl. Default usage: 11 prompt tokens (3 cached),
 * 4 candidate tokens + 2 thinking tokens.
 */
export type FakeGemini = FakeUpstream;
export const FAKE_GEMINI_USAGE = { promptTokenCount: 11, candidatesTokenCount: 4, totalTokenCount: 17, cachedContentTokenCount: 3, thoughtsTokenCount: 2 };

const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };

export function geminiError(status: number, message = `fake failure ${status}`, details: unknown[] = []) {
  return { error: { code: status, message, status: STATUS[status] ?? 'UNKNOWN', ...(details.length ? { details } : {}) } };
}

/** `/v1beta/models/gemini-2.0-flash:streamGenerateContent` → model and method. */
function target(r: RecordedRequest): { model: string; method: string } | null {
  const m = /^\/v1(?:beta|alpha)?\/(?:models|tunedModels)\/([^/:]+):([A-Za-z]+)$/.exec(r.pathname);
  return m ? { model: decodeURIComponent(m[1]), method: m[2] } : null;
}

function finish(p: ReplyPlan): string {
  return p.finish ?? 'STOP';
}

function chunk(p: ReplyPlan, parts: unknown[], last: boolean) {
  const usage = p.usage ?? FAKE_GEMINI_USAGE;
  return {
    candidates: [{ content: { parts, role: 'model' }, ...(last ? { finishReason: finish(p) } : {}), index: 0 }],
    usageMetadata: last ? usage : { promptTokenCount: (usage as { promptTokenCount?: number }).promptTokenCount ?? 0, totalTokenCount: (usage as { promptTokenCount?: number }).promptTokenCount ?? 0 },
    modelVersion: p.model,
    responseId: 'fakeResponseId',
  };
}

function callParts(p: ReplyPlan): unknown[] {
  return p.toolCalls.map((c) => ({ functionCall: { name: c.name, args: c.arguments } }));
}

function response(p: ReplyPlan) {
  const parts: unknown[] = p.text ? [{ text: p.text }] : [];
  return chunk(p, [...parts, ...callParts(p)], true);
}

function chunks(p: ReplyPlan): unknown[] {
  // Gemini streams a few words per chunk; the last chunk carries finishReason and the full usage.
  const out: unknown[] = [];
  const words = p.words;
  for (let i = 0; i < words.length; i += 2) {
    const last = i + 2 >= words.length && p.toolCalls.length === 0;
    out.push(chunk(p, [{ text: words.slice(i, i + 2).join('') }], last));
  }
  if (p.toolCalls.length || out.length === 0) out.push(chunk(p, callParts(p), true));
  return out;
}

export async function startFakeGemini(opts: { apiKey: string }): Promise<FakeGemini> {
  return startFake({
    name: 'Gemini',
    basePath: '',
    modelOf: (r) => target(r)?.model ?? 'unknown',
    errorBody: (status) => geminiError(status),
    checkAuth(r) {
      const key = header(r, 'x-goog-api-key') ?? r.query.key;
      if (key === undefined) return { status: 403, body: geminiError(403, 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.') };
      if (key !== opts.apiKey) {
        return {
          status: 400,
          body: geminiError(400, 'API key not valid. Please pass a valid API key.', [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
          ]),
        };
      }
      return null;
    },
    handle(r, p) {
      const t = target(r);
      if (!t) return { json: geminiError(404, 'Not found'), status: 404 };
      if (t.method === 'batchEmbedContents') {
        const reqs = Array.isArray(r.body?.requests) ? r.body.requests : [];
        return { json: { embeddings: reqs.map(() => ({ values: [0.1, 0.2, 0.3] })) } };
      }
      if (t.method === 'embedContent') return { json: { embedding: { values: [0.1, 0.2, 0.3] } } };
      if (t.method !== 'generateContent' && t.method !== 'streamGenerateContent') return { json: geminiError(404, 'Not found'), status: 404 };
      if (!Array.isArray(r.body?.contents) || r.body.contents.length === 0) return { json: geminiError(400, '* GenerateContentRequest.contents: contents is not specified'), status: 400 };
      if (t.method === 'generateContent') return { json: response(p) };
      const all = chunks(p);
      const errorChunk = geminiError(503, 'The model is overloaded. Please try again later.');
      if (r.query.alt === 'sse') {
        const sse: SseEvent[] = all.map((c) => ({ data: JSON.stringify(c) }));
        return { sse, errorEvent: { data: JSON.stringify(errorChunk) }, crlf: true };
      }
      // Without alt=sse Gemini streams one pretty-printed JSON array.
      return { raw: '[' + all.map((c) => JSON.stringify(c, null, 2)).join(',\r\n') + ']', contentType: 'application/json; charset=UTF-8' };
    },
  });
}
