/**
 * Anthropic Messages request body → canonical request (only when another family serves the model).
 * A user message holding tool_result blocks becomes a canonical `tool` message followed by the
 * rest of its content. `cache_control` marks, `service_tier`, `inference_geo` and `speed` are
 * Anthropic-side hints with no effect elsewhere and are not forwarded.
 */
import type { AssistantContent, ChatRequest, Message, ReasoningEffort, ResponseFormat, ToolChoice, ToolDefinition, ToolResultPart, UserContent } from '../../canonical/chat.types.ts';
import { invalid, unsupported, type TranslateContext } from '../translate-context.ts';
import {
  isRecord, optArray, optInteger, optNumber, optRecord, optString, optStringList, refuseUnknownFields, reqRecord, reqString, type Json,
} from '../wire-guards.ts';

const KNOWN = new Set([
  'model', 'messages', 'system', 'max_tokens', 'metadata', 'stop_sequences', 'stream', 'temperature', 'top_p', 'top_k', 'tools',
  'tool_choice', 'thinking', 'output_config', 'output_format', 'service_tier', 'inference_geo', 'speed', 'cache_control',
]);

export function decodeAnthropicRequest(body: Json, ctx: TranslateContext): ChatRequest {
  refuseUnknownFields(body, KNOWN, ctx.peer);
  const messages: Message[] = [];
  const system = body.system;
  if (typeof system === 'string') {
    if (system.length) messages.push({ role: 'system', content: [{ type: 'text', text: system }] });
  } else if (Array.isArray(system)) {
    const text = system.map((b, i) => reqString(reqRecord(b, `system[${i}]`), 'text', `system[${i}].text`)).join('\n');
    messages.push({ role: 'system', content: [{ type: 'text', text }] });
  } else if (system !== undefined && system !== null) {
    invalid('system must be a string or an array of text blocks', 'system');
  }
  decodeMessages(body, messages, ctx);

  const req: ChatRequest = { messages, stream: body.stream === true };
  const maxTokens = optInteger(body, 'max_tokens');
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = optNumber(body, 'temperature');
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optNumber(body, 'top_p');
  if (topP !== undefined) req.topP = topP;
  const topK = optInteger(body, 'top_k');
  if (topK !== undefined) req.topK = topK;
  const stop = optStringList(body, 'stop_sequences');
  if (stop && stop.length) req.stop = stop;
  const metadata = optRecord(body, 'metadata');
  if (metadata) {
    const user = optString(metadata, 'user_id', 'metadata.user_id');
    if (user) req.user = user;
  }
  const tools = optArray(body, 'tools');
  if (tools && tools.length) req.tools = tools.map((t, i) => decodeTool(t, `tools[${i}]`, ctx));
  const tc = optRecord(body, 'tool_choice');
  if (tc) {
    req.toolChoice = decodeToolChoice(tc);
    if (tc.disable_parallel_tool_use === true) req.parallelToolCalls = false;
  }
  decodeThinking(body, req);
  const oc = optRecord(body, 'output_config');
  const format = (oc && optRecord(oc, 'format', 'output_config.format')) ?? optRecord(body, 'output_format');
  if (format) req.responseFormat = decodeFormat(format);
  return req;
}

function decodeThinking(body: Json, req: ChatRequest): void {
  const thinking = optRecord(body, 'thinking');
  const oc = optRecord(body, 'output_config');
  const effortRaw = oc ? optString(oc, 'effort', 'output_config.effort') : undefined;
  const effort: ReasoningEffort | undefined = effortRaw === undefined ? undefined : effortRaw === 'low' || effortRaw === 'medium' ? effortRaw : 'high';
  if (thinking) {
    if (thinking.type === 'enabled') {
      const budget = optInteger(thinking, 'budget_tokens', 'thinking.budget_tokens');
      req.reasoning = { enabled: true, includeThoughts: thinking.display !== 'omitted', ...(budget !== undefined ? { budgetTokens: budget } : {}), ...(effort ? { effort } : {}) };
    } else if (thinking.type === 'adaptive') {
      req.reasoning = { enabled: true, includeThoughts: thinking.display !== 'omitted', ...(effort ? { effort } : {}) };
    } else if (thinking.type === 'disabled') {
      req.reasoning = { enabled: false };
    } else {
      invalid('thinking.type must be enabled, adaptive or disabled', 'thinking.type');
    }
  } else if (effort) {
    req.reasoning = { enabled: true, effort };
  }
}

function decodeMessages(body: Json, out: Message[], ctx: TranslateContext): void {
  const raw = optArray(body, 'messages');
  if (!raw || raw.length === 0) invalid('messages must be a non-empty array', 'messages');
  const toolNames = new Map<string, string>();
  raw.forEach((m, i) => {
    const path = `messages[${i}]`;
    const msg = reqRecord(m, path);
    const role = reqString(msg, 'role', `${path}.role`);
    const blocks = typeof msg.content === 'string' ? [{ type: 'text', text: msg.content }] : msg.content;
    if (!Array.isArray(blocks)) invalid(`${path}.content must be a string or an array of content blocks`, `${path}.content`);
    if (role === 'system') {
      out.push({ role: 'system', content: [{ type: 'text', text: blocks.map((b, j) => reqString(reqRecord(b, `${path}.content[${j}]`), 'text', `${path}.content[${j}].text`)).join('\n') }] });
    } else if (role === 'assistant') {
      const content: AssistantContent[] = blocks.map((b, j) => decodeAssistantBlock(reqRecord(b, `${path}.content[${j}]`), `${path}.content[${j}]`, ctx));
      for (const p of content) if (p.type === 'tool_call') toolNames.set(p.id, p.name);
      out.push({ role: 'assistant', content });
    } else if (role === 'user') {
      const results: ToolResultPart[] = [];
      const rest: UserContent[] = [];
      blocks.forEach((b, j) => {
        const pp = `${path}.content[${j}]`;
        const block = reqRecord(b, pp);
        if (block.type === 'tool_result') results.push(decodeToolResult(block, pp, toolNames, ctx));
        else rest.push(decodeUserBlock(block, pp, ctx));
      });
      if (results.length) out.push({ role: 'tool', content: results });
      if (rest.length) out.push({ role: 'user', content: rest });
    } else {
      invalid(`${path}.role must be user or assistant`, `${path}.role`);
    }
  });
}

function decodeImage(block: Json, path: string, ctx: TranslateContext): UserContent {
  const src = reqRecord(block.source, `${path}.source`);
  if (src.type === 'base64') return { type: 'image', source: { kind: 'base64', mediaType: reqString(src, 'media_type', `${path}.source.media_type`), data: reqString(src, 'data', `${path}.source.data`) } };
  if (src.type === 'url') return { type: 'image', source: { kind: 'url', url: reqString(src, 'url', `${path}.source.url`) } };
  unsupported(ctx, `image sources of type ${String(src.type)}`, `${path}.source`);
}

function decodeUserBlock(block: Json, path: string, ctx: TranslateContext): UserContent {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: reqString(block, 'text', `${path}.text`) };
    case 'image':
      return decodeImage(block, path, ctx);
    case 'document': {
      const src = reqRecord(block.source, `${path}.source`);
      if (src.type === 'base64') return { type: 'file', mediaType: reqString(src, 'media_type', `${path}.source.media_type`), data: reqString(src, 'data', `${path}.source.data`) };
      if (src.type === 'text') return { type: 'text', text: reqString(src, 'data', `${path}.source.data`) };
      unsupported(ctx, `document sources of type ${String(src.type)}`, `${path}.source`);
    }
    default:
      unsupported(ctx, `${String(block.type)} content blocks`, path);
  }
}

function decodeAssistantBlock(block: Json, path: string, ctx: TranslateContext): AssistantContent {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: reqString(block, 'text', `${path}.text`) };
    case 'tool_use':
      return { type: 'tool_call', id: reqString(block, 'id', `${path}.id`), name: reqString(block, 'name', `${path}.name`), arguments: JSON.stringify(block.input ?? {}) };
    case 'thinking':
      return { type: 'reasoning', text: reqString(block, 'thinking', `${path}.thinking`), ...(typeof block.signature === 'string' ? { signature: block.signature } : {}) };
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redacted: reqString(block, 'data', `${path}.data`) };
    default:
      unsupported(ctx, `${String(block.type)} content blocks`, path);
  }
}

function decodeToolResult(block: Json, path: string, names: Map<string, string>, ctx: TranslateContext): ToolResultPart {
  const id = reqString(block, 'tool_use_id', `${path}.tool_use_id`);
  const name = names.get(id);
  if (name === undefined) invalid(`${path}.tool_use_id ${JSON.stringify(id)} does not match a tool_use block of an earlier assistant message`, `${path}.tool_use_id`);
  const raw = block.content;
  const content: ToolResultPart['content'] = [];
  if (typeof raw === 'string') content.push({ type: 'text', text: raw });
  else if (Array.isArray(raw)) {
    raw.forEach((b, j) => {
      const pp = `${path}.content[${j}]`;
      const c = reqRecord(b, pp);
      if (c.type === 'text') content.push({ type: 'text', text: reqString(c, 'text', `${pp}.text`) });
      else if (c.type === 'image') content.push(decodeImage(c, pp, ctx) as ToolResultPart['content'][number]);
      else unsupported(ctx, `${String(c.type)} blocks in tool results`, pp);
    });
  }
  return { type: 'tool_result', toolCallId: id, name, content, ...(block.is_error === true ? { isError: true } : {}) };
}

function decodeTool(t: unknown, path: string, ctx: TranslateContext): ToolDefinition {
  const tool = reqRecord(t, path);
  if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') unsupported(ctx, `Anthropic server tools (${String(tool.type)})`, path);
  const def: ToolDefinition = { name: reqString(tool, 'name', `${path}.name`), parameters: optRecord(tool, 'input_schema', `${path}.input_schema`) ?? { type: 'object', properties: {} } };
  const description = optString(tool, 'description', `${path}.description`);
  if (description) def.description = description;
  if (tool.strict === true) def.strict = true;
  return def;
}

function decodeToolChoice(tc: Json): ToolChoice {
  switch (tc.type) {
    case 'auto':
      return { type: 'auto' };
    case 'any':
      return { type: 'required' };
    case 'none':
      return { type: 'none' };
    case 'tool':
      return { type: 'tool', name: reqString(tc, 'name', 'tool_choice.name') };
    default:
      invalid('tool_choice.type must be auto, any, tool or none', 'tool_choice.type');
  }
}

function decodeFormat(f: Json): ResponseFormat {
  if (f.type !== 'json_schema' || !isRecord(f.schema)) invalid('output_config.format must be {"type":"json_schema","schema":{…}}', 'output_config.format');
  return { type: 'json_schema', schema: f.schema };
}
