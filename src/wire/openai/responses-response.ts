/**
 * Canonical response → OpenAI Responses API `response` object (also the payload of the stream's
 * response.created / response.completed events). Text becomes `message` items with `output_text`
 * parts, tool calls become `function_call` items. Reasoning text from other families is not
 * returned as items (OpenAI returns only summaries there); reasoning tokens are still counted.
 */
import type { ChatResponse, FinishReason, Usage } from '../../canonical/chat.types.ts';
import { newId } from '../../canonical/ids.ts';
import type { Json } from '../wire-guards.ts';

export function responsesId(id: string): string {
  return id.startsWith('resp_') ? id : `resp_${id.replace(/[^A-Za-z0-9_-]/g, '') || newId('')}`;
}

export function usageToResponses(u: Usage): Json {
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedTokens },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens },
    total_tokens: u.inputTokens + u.outputTokens,
  };
}

export function statusFor(reason: FinishReason): { status: 'completed' | 'incomplete'; incomplete_details: Json | null } {
  if (reason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (reason === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** The response envelope; `output` and `usage` are filled by the caller. */
export function responseEnvelope(id: string, createdAt: number, model: string, status: string, output: Json[], usage: Usage | null, incomplete: Json | null = null): Json {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status,
    error: null,
    incomplete_details: incomplete,
    instructions: null,
    max_output_tokens: null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: null,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: null,
    truncation: 'disabled',
    usage: usage ? usageToResponses(usage) : null,
    user: null,
    metadata: {},
  };
}

export function messageItem(id: string, text: string, status: string): Json {
  return { id, type: 'message', status, role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] };
}

export function functionCallItem(id: string, callId: string, name: string, args: string, status: string): Json {
  return { id, type: 'function_call', status, arguments: args, call_id: callId, name };
}

export function encodeResponsesResponse(r: ChatResponse, requestedModel: string): Json {
  const output: Json[] = [];
  let text: string | null = null;
  const flush = () => {
    if (text !== null) output.push(messageItem(newId('msg_'), text, 'completed'));
    text = null;
  };
  for (const p of r.content) {
    if (p.type === 'text') text = (text ?? '') + p.text;
    else if (p.type === 'tool_call') {
      flush();
      output.push(functionCallItem(newId('fc_'), p.id, p.name, p.arguments, 'completed'));
    }
  }
  flush();
  const { status, incomplete_details } = statusFor(r.finishReason);
  return responseEnvelope(responsesId(r.id), r.created, requestedModel, status, output, r.usage, incomplete_details);
}
