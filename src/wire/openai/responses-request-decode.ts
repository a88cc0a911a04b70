/**
 * OpenAI Responses API request → canonical request. The gateway serves /v1/responses on top of
 * the chat path of every provider, statelessly: server-side state (previous_response_id,
 * conversation, background, stored prompts) cannot be honoured and is a 400; `store`, `include`,
 * `truncation` and the other advisory fields are not forwarded. Reasoning items a client replays
 * are skipped: no chat API takes them back.
 */
import type { AssistantContent, ChatRequest, Message, ResponseFormat, ToolChoice, ToolDefinition, UserContent } from '../../canonical/chat.types.ts';
import { invalid, unsupported, type TranslateContext } from '../translate-context.ts';
import {
  isRecord, optArray, optBoolean, optInteger, optNumber, optRecord, optString, refuseUnknownFields, reqRecord, reqString, type Json,
} from '../wire-guards.ts';
import { parseDataUrl } from '../../canonical/data-url.ts';
import { decodeJsonSchemaFormat } from './chat-request-decode.ts';

const KNOWN = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'text', 'max_output_tokens', 'temperature', 'top_p',
  'stream', 'stream_options', 'reasoning', 'store', 'metadata', 'user', 'truncation', 'include', 'service_tier', 'prompt_cache_key',
  'prompt_cache_retention', 'safety_identifier', 'previous_response_id', 'background', 'conversation', 'prompt',
]);

export function decodeResponsesRequest(body: Json, ctx: TranslateContext): ChatRequest {
  refuseUnknownFields(body, KNOWN, ctx.peer);
  if (body.previous_response_id) unsupported(ctx, 'previous_response_id (the gateway keeps no response state; send the whole input)', 'previous_response_id');
  if (body.conversation) unsupported(ctx, 'conversation (the gateway keeps no conversation state)', 'conversation');
  if (body.background === true) unsupported(ctx, 'background responses', 'background');
  if (body.prompt) unsupported(ctx, 'stored prompts (prompt)', 'prompt');

  const messages: Message[] = [];
  const instructions = optString(body, 'instructions');
  if (instructions) messages.push({ role: 'system', content: [{ type: 'text', text: instructions }] });
  const input = body.input;
  if (typeof input === 'string') messages.push({ role: 'user', content: [{ type: 'text', text: input }] });
  else if (Array.isArray(input)) decodeItems(input, messages, ctx);
  else invalid('input must be a string or an array of input items', 'input');

  const req: ChatRequest = { messages, stream: body.stream === true };
  const maxTokens = optInteger(body, 'max_output_tokens');
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = optNumber(body, 'temperature');
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optNumber(body, 'top_p');
  if (topP !== undefined) req.topP = topP;
  const user = optString(body, 'user') ?? optString(body, 'safety_identifier');
  if (user) req.user = user;
  const tools = optArray(body, 'tools');
  if (tools && tools.length) req.tools = tools.map((t, i) => decodeTool(t, `tools[${i}]`, ctx));
  if (body.tool_choice !== undefined && body.tool_choice !== null) req.toolChoice = decodeToolChoice(body.tool_choice, ctx);
  const parallel = optBoolean(body, 'parallel_tool_calls');
  if (parallel !== undefined) req.parallelToolCalls = parallel;
  const text = optRecord(body, 'text');
  if (text) {
    if (text.verbosity !== undefined && text.verbosity !== null) unsupported(ctx, 'text.verbosity', 'text.verbosity');
    const format = optRecord(text, 'format', 'text.format');
    if (format) req.responseFormat = decodeFormat(format);
  }
  const reasoning = optRecord(body, 'reasoning');
  if (reasoning && reasoning.effort !== undefined && reasoning.effort !== null) {
    const e = reasoning.effort;
    if (e === 'none') req.reasoning = { enabled: false };
    else if (e === 'minimal' || e === 'low' || e === 'medium' || e === 'high') req.reasoning = { enabled: true, effort: e, includeThoughts: reasoning.summary != null };
    else if (e === 'xhigh') req.reasoning = { enabled: true, effort: 'high', includeThoughts: reasoning.summary != null };
    else invalid('reasoning.effort must be none, minimal, low, medium, high or xhigh', 'reasoning.effort');
  }
  return req;
}

function decodeItems(items: unknown[], out: Message[], ctx: TranslateContext): void {
  const names = new Map<string, string>();
  const last = () => out[out.length - 1];
  items.forEach((it, i) => {
    const path = `input[${i}]`;
    const item = reqRecord(it, path);
    const type = item.type ?? 'message';
    if (type === 'message') {
      const role = reqString(item, 'role', `${path}.role`);
      if (role === 'system' || role === 'developer') {
        out.push({ role: 'system', content: [{ type: 'text', text: contentParts(item.content, path, ctx).map((p) => (p.type === 'text' ? p.text : '')).join('') }] });
      } else if (role === 'user') {
        out.push({ role: 'user', content: contentParts(item.content, path, ctx) });
      } else if (role === 'assistant') {
        const parts = contentParts(item.content, path, ctx).map((p): AssistantContent => {
          if (p.type !== 'text') invalid(`${path}.content of an assistant message must be text`, `${path}.content`);
          return p;
        });
        const prev = last();
        if (prev?.role === 'assistant') prev.content.push(...parts);
        else out.push({ role: 'assistant', content: parts });
      } else {
        invalid(`${path}.role must be user, assistant, system or developer`, `${path}.role`);
      }
    } else if (type === 'function_call') {
      const call: AssistantContent = {
        type: 'tool_call', id: reqString(item, 'call_id', `${path}.call_id`), name: reqString(item, 'name', `${path}.name`), arguments: optString(item, 'arguments', `${path}.arguments`) ?? '{}',
      };
      names.set(call.id, call.name);
      const prev = last();
      if (prev?.role === 'assistant') prev.content.push(call);
      else out.push({ role: 'assistant', content: [call] });
    } else if (type === 'function_call_output') {
      const id = reqString(item, 'call_id', `${path}.call_id`);
      const name = names.get(id);
      if (name === undefined) invalid(`${path}.call_id ${JSON.stringify(id)} does not match an earlier function_call item`, `${path}.call_id`);
      const output = typeof item.output === 'string' ? [{ type: 'text' as const, text: item.output }] : contentParts(item.output, `${path}.output`, ctx);
      const content = output.map((p) => {
        if (p.type === 'file') unsupported(ctx, 'files in function_call_output', `${path}.output`);
        return p;
      });
      const prev = last();
      const part = { type: 'tool_result' as const, toolCallId: id, name, content };
      if (prev?.role === 'tool') prev.content.push(part);
      else out.push({ role: 'tool', content: [part] });
    } else if (type === 'reasoning') {
      return;
    } else if (type === 'item_reference') {
      // References to the gateway's own earlier output are resolved before decoding (response-items.ts).
      invalid(`${path} is an item_reference the gateway could not resolve; send the item itself`, path);
    } else {
      unsupported(ctx, `input items of type ${String(type)}`, path);
    }
  });
}

function contentParts(content: unknown, path: string, ctx: TranslateContext): UserContent[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) invalid(`${path}.content must be a string or an array`, `${path}.content`);
  return content.map((c, j): UserContent => {
    const pp = `${path}.content[${j}]`;
    const part = reqRecord(c, pp);
    switch (part.type) {
      case 'input_text':
      case 'output_text':
        return { type: 'text', text: reqString(part, 'text', `${pp}.text`) };
      case 'refusal':
        return { type: 'text', text: reqString(part, 'refusal', `${pp}.refusal`) };
      case 'input_image': {
        const url = optString(part, 'image_url', `${pp}.image_url`);
        if (!url) unsupported(ctx, 'input_image by file_id', pp);
        const data = parseDataUrl(url);
        return data ? { type: 'image', source: { kind: 'base64', mediaType: data.mediaType, data: data.data } } : { type: 'image', source: { kind: 'url', url } };
      }
      case 'input_file': {
        const fd = optString(part, 'file_data', `${pp}.file_data`);
        const data = fd ? parseDataUrl(fd) : null;
        if (!data) unsupported(ctx, 'input_file without inline file_data', pp);
        const filename = optString(part, 'filename', `${pp}.filename`);
        return { type: 'file', mediaType: data.mediaType, data: data.data, ...(filename ? { filename } : {}) };
      }
      default:
        unsupported(ctx, `content parts of type ${String(part.type)}`, pp);
    }
  });
}

function decodeTool(t: unknown, path: string, ctx: TranslateContext): ToolDefinition {
  const tool = reqRecord(t, path);
  if (tool.type !== 'function') unsupported(ctx, `hosted tools (${String(tool.type)})`, `${path}.type`);
  const def: ToolDefinition = { name: reqString(tool, 'name', `${path}.name`), parameters: optRecord(tool, 'parameters', `${path}.parameters`) ?? { type: 'object', properties: {} } };
  const description = optString(tool, 'description', `${path}.description`);
  if (description) def.description = description;
  const strict = optBoolean(tool, 'strict', `${path}.strict`);
  if (strict !== undefined) def.strict = strict;
  return def;
}

function decodeToolChoice(v: unknown, ctx: TranslateContext): ToolChoice {
  if (v === 'auto' || v === 'none' || v === 'required') return { type: v };
  if (isRecord(v) && v.type === 'function') return { type: 'tool', name: reqString(v, 'name', 'tool_choice.name') };
  if (isRecord(v)) unsupported(ctx, `tool_choice of type ${String(v.type)}`, 'tool_choice');
  invalid('tool_choice must be auto, none, required or {"type":"function","name":…}', 'tool_choice');
}

function decodeFormat(f: Json): ResponseFormat {
  switch (f.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      return decodeJsonSchemaFormat(f, 'text.format');
    }
    default:
      invalid('text.format.type must be text, json_object or json_schema', 'text.format.type');
  }
}
