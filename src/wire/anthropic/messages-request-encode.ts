/**
 * Canonical request → Anthropic Messages body. Anthropic requires max_tokens (a default is used
 * when the client sent none), takes the system prompt out of the message list, wants tool results
 * inside user messages, and only replays reasoning that carries its own signature.
 */
import type { ChatRequest, Message, ReasoningEffort, ToolResultPart } from '../../canonical/chat.types.ts';
import { unsupported, type TranslateContext } from '../translate-context.ts';
import { parseArguments, type Json } from '../wire-guards.ts';

export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** Thinking budget for an effort level (Anthropic's minimum budget is 1024). */
export function budgetFromEffort(effort: ReasoningEffort | undefined): number {
  switch (effort) {
    case 'minimal':
      return 1024;
    case 'low':
      return 2048;
    case 'high':
      return 16384;
    default:
      return 8192;
  }
}

export function encodeAnthropicRequest(req: ChatRequest, slug: string, config: Record<string, unknown>, ctx: TranslateContext): Json {
  const { system, messages } = encodeMessages(req.messages, ctx);
  const defaultMax = typeof config.defaultMaxTokens === 'number' ? config.defaultMaxTokens : ANTHROPIC_DEFAULT_MAX_TOKENS;
  const body: Json = { model: slug, max_tokens: req.maxTokens ?? defaultMax };
  if (system !== undefined) body.system = system;
  body.messages = messages;
  if (req.temperature !== undefined) {
    if (req.temperature > 1) unsupported(ctx, 'temperature above 1', 'temperature');
    body.temperature = req.temperature;
  }
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined) body.top_k = req.topK;
  if (req.stop) body.stop_sequences = req.stop;
  if (req.seed !== undefined) unsupported(ctx, 'seed', 'seed');
  if (req.presencePenalty !== undefined) unsupported(ctx, 'presence_penalty', 'presence_penalty');
  if (req.frequencyPenalty !== undefined) unsupported(ctx, 'frequency_penalty', 'frequency_penalty');
  if (req.user !== undefined) body.metadata = { user_id: req.user };
  if (req.tools) {
    body.tools = req.tools.map((t) => ({
      name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), input_schema: { type: 'object', ...t.parameters }, ...(t.strict ? { strict: true } : {}),
    }));
  }
  if (req.toolChoice || req.parallelToolCalls === false) {
    const tc = req.toolChoice ?? { type: 'auto' as const };
    const choice: Json = tc.type === 'required' ? { type: 'any' } : tc.type === 'tool' ? { type: 'tool', name: tc.name } : { type: tc.type };
    if (req.parallelToolCalls === false && tc.type !== 'none') choice.disable_parallel_tool_use = true;
    body.tool_choice = choice;
  }
  if (req.responseFormat && req.responseFormat.type !== 'text') {
    if (req.responseFormat.type === 'json') unsupported(ctx, 'JSON mode without a schema (use a json_schema response format)', 'response_format');
    body.output_config = { format: { type: 'json_schema', schema: req.responseFormat.schema } };
  }
  if (req.reasoning?.enabled) {
    const budget = Math.max(1024, req.reasoning.budgetTokens ?? budgetFromEffort(req.reasoning.effort));
    // budget_tokens must stay below max_tokens; only the gateway's own default is raised to fit.
    if (req.maxTokens === undefined && budget >= defaultMax) body.max_tokens = budget + defaultMax;
    body.thinking = { type: 'enabled', budget_tokens: budget };
  }
  if (req.stream) body.stream = true;
  return body;
}

function encodeMessages(messages: Message[], ctx: TranslateContext): { system?: string; messages: Json[] } {
  let system: string | undefined;
  const out: Json[] = [];
  const push = (role: 'user' | 'assistant', blocks: Json[]) => {
    if (blocks.length === 0) return;
    const prev = out[out.length - 1];
    // Consecutive turns of one role (tool results then a user note) become one Anthropic message.
    if (prev && prev.role === role) (prev.content as Json[]).push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    switch (m.role) {
      case 'system': {
        if (out.length > 0) unsupported(ctx, 'system messages after the conversation has started', 'messages');
        const text = m.content.map((p) => p.text).join('');
        system = system === undefined ? text : `${system}\n${text}`;
        break;
      }
      case 'user':
        push('user', m.content.map((p): Json => {
          if (p.type === 'text') return { type: 'text', text: p.text };
          if (p.type === 'image') return imageBlock(p.source, ctx);
          if (p.mediaType === 'application/pdf') return { type: 'document', source: { type: 'base64', media_type: p.mediaType, data: p.data } };
          if (p.mediaType === 'text/plain') return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: Buffer.from(p.data, 'base64').toString('utf8') } };
          unsupported(ctx, `file input of type ${p.mediaType}`, 'messages');
        }).filter((b) => b.type !== 'text' || (b.text as string).length > 0));
        break;
      case 'assistant': {
        const blocks: Json[] = [];
        m.content.forEach((p) => {
          if (p.type === 'text') {
            if (p.text.length) blocks.push({ type: 'text', text: p.text });
          } else if (p.type === 'tool_call') {
            blocks.push({ type: 'tool_use', id: p.id, name: p.name, input: parseArguments(p.arguments, `messages tool call ${p.id} arguments`) });
          } else if (p.redacted !== undefined) {
            blocks.push({ type: 'redacted_thinking', data: p.redacted });
          } else if (p.signature) {
            // Unsigned reasoning (another family's) cannot be verified by Anthropic and is left out.
            blocks.push({ type: 'thinking', thinking: p.text, signature: p.signature });
          }
        });
        push('assistant', blocks);
        break;
      }
      case 'tool':
        push('user', m.content.map((r) => toolResultBlock(r, ctx)));
        break;
    }
  }
  return { system, messages: out };
}

function imageBlock(src: { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string }, ctx: TranslateContext): Json {
  if (src.kind === 'url') return { type: 'image', source: { type: 'url', url: src.url } };
  if (!IMAGE_TYPES.has(src.mediaType)) unsupported(ctx, `images of type ${src.mediaType}`, 'messages');
  return { type: 'image', source: { type: 'base64', media_type: src.mediaType, data: src.data } };
}

function toolResultBlock(r: ToolResultPart, ctx: TranslateContext): Json {
  const onlyText = r.content.every((p) => p.type === 'text');
  const content = onlyText
    ? r.content.map((p) => (p.type === 'text' ? p.text : '')).join('')
    : r.content.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : imageBlock(p.source, ctx)));
  return { type: 'tool_result', tool_use_id: r.toolCallId, content, ...(r.isError ? { is_error: true } : {}) };
}
