/**
 * The same-format fast path of OpenAI chat: the client's body goes up with only `model` replaced
 * (plus include_usage on streams, so usage can be recorded), never re-encoded field by field; the
 * Mistral dialect gets its own field names and tool-call ids.
 */
import type { Json } from '../wire-guards.ts';
import type { WireTarget } from '../wire-format.ts';
import { forcesStreamUsage, mistralToolId } from './chat-request-encode.ts';

/** OpenAI chat on both sides: the client's body with the upstream slug as model. */
export function passThroughChatBody(body: Json, t: WireTarget, stream: boolean): Json {
  const out: Json = { ...body, model: t.slug };
  if (t.dialect === 'MISTRAL') {
    // Mistral refuses unknown fields and has its own names; its last chunk carries usage anyway.
    delete out.stream_options;
    delete out.user;
    if (Array.isArray(out.messages)) out.messages = mistralMessages(out.messages);
    if (out.max_completion_tokens !== undefined && out.max_tokens === undefined) {
      out.max_tokens = out.max_completion_tokens;
      delete out.max_completion_tokens;
    }
    if (out.seed !== undefined && out.random_seed === undefined) {
      out.random_seed = out.seed;
      delete out.seed;
    }
  } else if (stream && forcesStreamUsage(t.dialect, t.config)) {
    const so = out.stream_options;
    out.stream_options = so && typeof so === 'object' && !Array.isArray(so) ? { ...(so as Json), include_usage: true } : { include_usage: true };
  }
  return out;
}

/** Mistral has no `developer` role and takes only 9-character tool-call ids; everything else is left as written. */
function mistralMessages(messages: unknown[]): unknown[] {
  const needs = messages.some((m) => {
    const msg = m as Json;
    return msg?.role === 'developer' || msg?.role === 'tool' || Array.isArray(msg?.tool_calls);
  });
  if (!needs) return messages;
  return messages.map((m) => {
    const msg = m as Json;
    if (!msg || typeof msg !== 'object') return m;
    if (msg.role === 'developer') return { ...msg, role: 'system' };
    if (msg.role === 'tool' && typeof msg.tool_call_id === 'string') return { ...msg, tool_call_id: mistralToolId(msg.tool_call_id) };
    if (Array.isArray(msg.tool_calls)) {
      return { ...msg, tool_calls: msg.tool_calls.map((c) => (c && typeof c === 'object' && typeof (c as Json).id === 'string' ? { ...(c as Json), id: mistralToolId((c as Json).id as string) } : c)) };
    }
    return m;
  });
}
