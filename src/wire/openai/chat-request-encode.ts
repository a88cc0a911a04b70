/**
 * Canonical request → OpenAI Chat Completions body, for the OpenAI-compatible provider types.
 * Dialect differences (one table, not scattered ifs): OpenAI wants `max_completion_tokens`
 * (reasoning models refuse `max_tokens`); Mistral rejects unknown fields, names the seed
 * `random_seed`, has no `stream_options` (its last chunk always carries usage) and accepts only
 * 9-character alphanumeric tool-call ids.
 */
import { createHash } from 'node:crypto';
import type { ChatRequest, Message, ReasoningEffort, ToolChoice } from '../../canonical/chat.types.ts';
import { unsupported, type TranslateContext } from '../translate-context.ts';
import { toDataUrl } from '../../canonical/data-url.ts';
import type { Json } from '../wire-guards.ts';

interface Dialect {
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  seedField: 'seed' | 'random_seed';
  streamOptions: boolean;
  reasoningEffort: boolean;
  topK: boolean;
  user: boolean;
  files: boolean;
  shortToolIds: boolean;
}

const DIALECTS: Record<string, Dialect> = {
  OPENAI: { maxTokensField: 'max_completion_tokens', seedField: 'seed', streamOptions: true, reasoningEffort: true, topK: false, user: true, files: true, shortToolIds: false },
  AZURE_OPENAI: { maxTokensField: 'max_tokens', seedField: 'seed', streamOptions: true, reasoningEffort: true, topK: false, user: true, files: true, shortToolIds: false },
  MISTRAL: { maxTokensField: 'max_tokens', seedField: 'random_seed', streamOptions: false, reasoningEffort: false, topK: false, user: false, files: false, shortToolIds: true },
  VLLM: { maxTokensField: 'max_tokens', seedField: 'seed', streamOptions: true, reasoningEffort: true, topK: true, user: true, files: false, shortToolIds: false },
  CUSTOM: { maxTokensField: 'max_tokens', seedField: 'seed', streamOptions: true, reasoningEffort: true, topK: true, user: true, files: false, shortToolIds: false },
};

/** `dialect`: the provider type's name (OPENAI, AZURE_OPENAI, MISTRAL, VLLM, CUSTOM); unknown names speak CUSTOM's. */
export function openAIDialect(type: string): Dialect {
  return DIALECTS[type] ?? DIALECTS.CUSTOM;
}

/** Whether the stream request should force `stream_options.include_usage` (provider config may turn it off). */
export function forcesStreamUsage(type: string, config: Record<string, unknown>): boolean {
  return openAIDialect(type).streamOptions && config.streamUsage !== false;
}

export function encodeOpenAIChatRequest(req: ChatRequest, slug: string, type: string, config: Record<string, unknown>, ctx: TranslateContext): Json {
  const d = openAIDialect(type);
  const body: Json = { model: slug, messages: encodeMessages(req.messages, d, ctx) };
  if (req.maxTokens !== undefined) body[d.maxTokensField] = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined) {
    if (!d.topK) unsupported(ctx, 'top_k', 'top_k');
    body.top_k = req.topK;
  }
  if (req.stop) body.stop = req.stop;
  if (req.seed !== undefined) body[d.seedField] = req.seed;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.user !== undefined && d.user) body.user = req.user;
  if (req.tools) {
    body.tools = req.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), parameters: t.parameters, ...(t.strict !== undefined ? { strict: t.strict } : {}) },
    }));
  }
  if (req.toolChoice) body.tool_choice = encodeToolChoice(req.toolChoice);
  if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  if (req.responseFormat) {
    const rf = req.responseFormat;
    if (rf.type === 'text') body.response_format = { type: 'text' };
    else if (rf.type === 'json') body.response_format = { type: 'json_object' };
    else {
      body.response_format = {
        type: 'json_schema',
        json_schema: {
          name: rf.name ?? 'response', ...(rf.description !== undefined ? { description: rf.description } : {}), schema: rf.schema,
          ...(rf.strict !== undefined ? { strict: rf.strict } : {}),
        },
      };
    }
  }
  if (req.reasoning?.enabled) {
    if (!d.reasoningEffort) unsupported(ctx, 'reasoning (thinking) configuration', 'reasoning');
    body.reasoning_effort = req.reasoning.effort ?? effortFromBudget(req.reasoning.budgetTokens);
  }
  if (req.stream) {
    body.stream = true;
    if (forcesStreamUsage(type, config)) body.stream_options = { include_usage: true };
  }
  return body;
}

/** Thinking budgets (Anthropic, Gemini) mapped onto OpenAI's three effort levels. */
export function effortFromBudget(budget: number | undefined): ReasoningEffort {
  if (budget === undefined) return 'medium';
  if (budget <= 2048) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

function encodeToolChoice(tc: ToolChoice): unknown {
  return tc.type === 'tool' ? { type: 'function', function: { name: tc.name } } : tc.type;
}

function encodeMessages(messages: Message[], d: Dialect, ctx: TranslateContext): Json[] {
  const id = d.shortToolIds ? mistralToolId : (s: string) => s;
  const out: Json[] = [];
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        out.push({ role: 'system', content: m.content.map((p) => p.text).join('') });
        break;
      case 'user': {
        if (m.content.length === 1 && m.content[0].type === 'text') {
          out.push({ role: 'user', content: m.content[0].text });
          break;
        }
        out.push({
          role: 'user',
          content: m.content.map((p) => {
            if (p.type === 'text') return { type: 'text', text: p.text };
            if (p.type === 'image') {
              const url = p.source.kind === 'url' ? p.source.url : toDataUrl(p.source.mediaType, p.source.data);
              return { type: 'image_url', image_url: { url } };
            }
            if (!d.files) unsupported(ctx, `file (${p.mediaType}) input`, 'messages');
            return { type: 'file', file: { file_data: toDataUrl(p.mediaType, p.data), ...(p.filename ? { filename: p.filename } : {}) } };
          }),
        });
        break;
      }
      case 'assistant': {
        // Earlier reasoning is the model's own scratch work: OpenAI-compatible APIs take no reasoning input.
        const text = m.content.filter((p) => p.type === 'text').map((p) => p.text).join('');
        const calls = m.content.filter((p) => p.type === 'tool_call');
        const msg: Json = { role: 'assistant', content: text.length || calls.length === 0 ? text : null };
        if (calls.length) msg.tool_calls = calls.map((c) => ({ id: id(c.id), type: 'function', function: { name: c.name, arguments: c.arguments } }));
        out.push(msg);
        break;
      }
      case 'tool':
        for (const r of m.content) {
          if (r.content.some((p) => p.type !== 'text')) unsupported(ctx, 'images in tool results', 'messages');
          out.push({ role: 'tool', tool_call_id: id(r.toolCallId), content: r.content.map((p) => (p.type === 'text' ? p.text : '')).join('') });
        }
        break;
    }
  }
  return out;
}

/** Mistral accepts only /^[a-zA-Z0-9]{9}$/ tool-call ids: others are mapped by a stable hash, so a call and its result still match. */
export function mistralToolId(id: string): string {
  if (/^[a-zA-Z0-9]{9}$/.test(id)) return id;
  return createHash('sha256').update(id).digest('base64url').replace(/[-_]/g, 'x').slice(0, 9);
}
