import { argumentPieces, header, startFake, type FakeUpstream, type ReplyPlan, type SseEvent } from './fake-server.ts';

/**
 * A fake Anthropic upstream: POST /v1/messages, JSON and the full SSE sequence (message_start,
 * content_block_start, ping, content_block_delta…, content_block_stop, message_delta with usage,
 * message_stop). Like the real API it wants the key (`x-api-key` or Bearer), an `anthropic-version` header and
 * `max_tokens`. Configure `url` (the origin) as the provider baseUrl.
 * Default usage: 8 fresh input tokens + 3 read from cache, 6 output tokens.
 */
export type FakeAnthropic = FakeUpstream;
export const FAKE_ANTHROPIC_USAGE = { input_tokens: 8, cache_creation_input_tokens: 0, cache_read_input_tokens: 3, output_tokens: 6 };

const TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 529: 'overloaded_error' };

function anthropicError(status: number) {
  return { type: 'error', error: { type: TYPES[status] ?? 'api_error', message: `fake failure ${status}` }, request_id: 'req_fake' };
}

function stopReason(p: ReplyPlan): string {
  return p.finish ?? (p.toolCalls.length ? 'tool_use' : 'end_turn');
}

function message(p: ReplyPlan) {
  const content: unknown[] = [];
  if (p.text) content.push({ type: 'text', text: p.text });
  p.toolCalls.forEach((c, i) => content.push({ type: 'tool_use', id: c.id ?? `toolu_fake${i}`, name: c.name, input: c.arguments }));
  return { id: 'msg_fake', type: 'message', role: 'assistant', model: p.model, content, stop_reason: stopReason(p), stop_sequence: null, usage: p.usage ?? FAKE_ANTHROPIC_USAGE };
}

function events(p: ReplyPlan): SseEvent[] {
  const usage = (p.usage ?? FAKE_ANTHROPIC_USAGE) as Record<string, number>;
  const ev = (event: string, data: object): SseEvent => ({ event, data: JSON.stringify({ type: event, ...data }) });
  const out: SseEvent[] = [
    ev('message_start', { message: { id: 'msg_fake', type: 'message', role: 'assistant', model: p.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }),
  ];
  let index = 0;
  if (p.words.length) {
    out.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }), ev('ping', {}));
    for (const w of p.words) out.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: w } }));
    out.push(ev('content_block_stop', { index }));
    index++;
  }
  p.toolCalls.forEach((c, i) => {
    out.push(ev('content_block_start', { index, content_block: { type: 'tool_use', id: c.id ?? `toolu_fake${i}`, name: c.name, input: {} } }));
    if (index === 0) out.push(ev('ping', {}));
    out.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }));
    for (const piece of argumentPieces(c.arguments)) out.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }));
    out.push(ev('content_block_stop', { index }));
    index++;
  });
  out.push(ev('message_delta', { delta: { stop_reason: stopReason(p), stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }), ev('message_stop', {}));
  return out;
}

export async function startFakeAnthropic(opts: { apiKey: string }): Promise<FakeAnthropic> {
  return startFake({
    name: 'Anthropic',
    basePath: '',
    modelOf: (r) => (typeof r.body?.model === 'string' ? r.body.model : 'unknown'),
    errorBody: anthropicError,
    checkAuth(r) {
      // The API takes the key as x-api-key; newer SDKs send Authorization: Bearer instead.
      if (header(r, 'x-api-key') !== opts.apiKey && header(r, 'authorization') !== `Bearer ${opts.apiKey}`) return { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' }, request_id: 'req_fake' } };
      return null;
    },
    handle(r, p) {
      if (r.pathname !== '/v1/messages') return { json: { type: 'error', error: { type: 'not_found_error', message: 'Not found' } }, status: 404 };
      const invalid = (message: string) => ({ json: { type: 'error', error: { type: 'invalid_request_error', message }, request_id: 'req_fake' }, status: 400 });
      if (!header(r, 'anthropic-version')) return invalid('anthropic-version: header is required');
      if (typeof r.body?.max_tokens !== 'number') return invalid('max_tokens: Field required');
      if (!Array.isArray(r.body?.messages) || r.body.messages.length === 0) return invalid('messages: Field required');
      if (!r.body.stream) return { json: message(p) };
      return { sse: events(p), errorEvent: { event: 'error', data: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) } };
    },
  });
}
