/**
 * OpenAI Chat Completions request body → canonical request. Used only when the model is served
 * by another family (same-family calls never decode), so every field the target cannot take is a
 * 400 naming it. Advisory fields that change nothing in the completion (store, metadata,
 * service_tier, prompt_cache_key, safety_identifier, participant `name`, image `detail`) are not forwarded.
 */
import type { AssistantContent, ChatRequest, Message, ResponseFormat, ToolChoice, ToolDefinition, ToolResultPart, UserContent } from '../../canonical/chat.types.ts';
import { invalid, unsupported, type TranslateContext } from '../translate-context.ts';
import {
  isRecord, optArray, optBoolean, optInteger, optNumber, optRecord, optString, optStringList, refuseUnknownFields, reqRecord, reqString, type Json,
} from '../wire-guards.ts';
import { parseDataUrl } from '../../canonical/data-url.ts';

const KNOWN = new Set([
  'model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'n',
  'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'seed', 'frequency_penalty', 'presence_penalty', 'user',
  'reasoning_effort', 'metadata', 'store', 'service_tier', 'prompt_cache_key', 'safety_identifier', 'logprobs', 'top_k', 'modalities',
]);

export function decodeOpenAIChatRequest(body: Json, ctx: TranslateContext): ChatRequest {
  refuseUnknownFields(body, KNOWN, ctx.peer);
  const n = optInteger(body, 'n');
  if (n !== undefined && n !== 1) unsupported(ctx, 'n greater than 1 (several choices)', 'n');
  if (optBoolean(body, 'logprobs') === true) unsupported(ctx, 'logprobs', 'logprobs');
  const modalities = optArray(body, 'modalities');
  if (modalities && modalities.some((m) => m !== 'text')) unsupported(ctx, 'audio output (modalities)', 'modalities');

  const req: ChatRequest = { messages: decodeMessages(body, ctx), stream: body.stream === true };
  const maxTokens = optInteger(body, 'max_completion_tokens') ?? optInteger(body, 'max_tokens');
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  setNum(req, 'temperature', optNumber(body, 'temperature'));
  setNum(req, 'topP', optNumber(body, 'top_p'));
  setNum(req, 'topK', optInteger(body, 'top_k'));
  setNum(req, 'seed', optNumber(body, 'seed'));
  setNum(req, 'presencePenalty', optNumber(body, 'presence_penalty'));
  setNum(req, 'frequencyPenalty', optNumber(body, 'frequency_penalty'));
  const stop = optStringList(body, 'stop');
  if (stop && stop.length) req.stop = stop;
  const user = optString(body, 'user');
  if (user) req.user = user;

  const tools = optArray(body, 'tools');
  if (tools && tools.length) req.tools = tools.map((t, i) => decodeTool(t, `tools[${i}]`, ctx));
  if (body.tool_choice !== undefined && body.tool_choice !== null) req.toolChoice = decodeToolChoice(body.tool_choice, ctx);
  const parallel = optBoolean(body, 'parallel_tool_calls');
  if (parallel !== undefined) req.parallelToolCalls = parallel;
  const rf = optRecord(body, 'response_format');
  if (rf) req.responseFormat = decodeResponseFormat(rf);

  const effort = optString(body, 'reasoning_effort');
  if (effort !== undefined) {
    if (effort === 'none') req.reasoning = { enabled: false };
    else if (effort === 'minimal' || effort === 'low' || effort === 'medium' || effort === 'high') req.reasoning = { enabled: true, effort };
    else invalid('reasoning_effort must be one of none, minimal, low, medium, high', 'reasoning_effort');
  }
  return req;
}

function setNum<K extends 'temperature' | 'topP' | 'topK' | 'seed' | 'presencePenalty' | 'frequencyPenalty'>(req: ChatRequest, k: K, v: number | undefined): void {
  if (v !== undefined) req[k] = v;
}

function decodeMessages(body: Json, ctx: TranslateContext): Message[] {
  const raw = optArray(body, 'messages');
  if (!raw || raw.length === 0) invalid('messages must be a non-empty array', 'messages');
  const out: Message[] = [];
  const toolNames = new Map<string, string>();
  raw.forEach((m, i) => {
    const path = `messages[${i}]`;
    const msg = reqRecord(m, path);
    const role = reqString(msg, 'role', `${path}.role`);
    switch (role) {
      case 'system':
      case 'developer':
        out.push({ role: 'system', content: [{ type: 'text', text: textOnly(msg.content, `${path}.content`) }] });
        return;
      case 'user':
        out.push({ role: 'user', content: decodeUserContent(msg.content, `${path}.content`, ctx) });
        return;
      case 'assistant': {
        const content = decodeAssistant(msg, path, ctx);
        for (const p of content) if (p.type === 'tool_call') toolNames.set(p.id, p.name);
        out.push({ role: 'assistant', content });
        return;
      }
      case 'tool': {
        const id = reqString(msg, 'tool_call_id', `${path}.tool_call_id`);
        const name = toolNames.get(id);
        if (name === undefined) invalid(`${path}.tool_call_id ${JSON.stringify(id)} does not match a tool call of an earlier assistant message`, `${path}.tool_call_id`);
        const part: ToolResultPart = { type: 'tool_result', toolCallId: id, name, content: [{ type: 'text', text: textOnly(msg.content, `${path}.content`) }] };
        const prev = out[out.length - 1];
        if (prev && prev.role === 'tool') prev.content.push(part);
        else out.push({ role: 'tool', content: [part] });
        return;
      }
      case 'function':
        unsupported(ctx, 'the legacy function role (use tools)', `${path}.role`);
      default:
        invalid(`${path}.role must be system, developer, user, assistant or tool`, `${path}.role`);
    }
  });
  return out;
}

/** String content, or an array of text parts joined (system, tool and refusal-free content). */
function textOnly(content: unknown, path: string): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) invalid(`${path} must be a string or an array of content parts`, path);
  return content.map((p, i) => {
    const part = reqRecord(p, `${path}[${i}]`);
    if (part.type !== 'text') invalid(`${path}[${i}] must be a text part here`, `${path}[${i}]`);
    return reqString(part, 'text', `${path}[${i}].text`);
  }).join('');
}

function decodeUserContent(content: unknown, path: string, ctx: TranslateContext): UserContent[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) invalid(`${path} must be a string or an array of content parts`, path);
  return content.map((p, i): UserContent => {
    const pp = `${path}[${i}]`;
    const part = reqRecord(p, pp);
    switch (part.type) {
      case 'text':
        return { type: 'text', text: reqString(part, 'text', `${pp}.text`) };
      case 'image_url': {
        const img = part.image_url;
        const url = typeof img === 'string' ? img : isRecord(img) ? reqString(img, 'url', `${pp}.image_url.url`) : invalid(`${pp}.image_url is required`, pp);
        const data = parseDataUrl(url);
        if (data) return { type: 'image', source: { kind: 'base64', mediaType: data.mediaType, data: data.data } };
        return { type: 'image', source: { kind: 'url', url } };
      }
      case 'file': {
        const file = reqRecord(part.file, `${pp}.file`);
        const fileData = optString(file, 'file_data', `${pp}.file.file_data`);
        const data = fileData ? parseDataUrl(fileData) : null;
        if (!data) unsupported(ctx, 'file parts without inline file_data (file_id)', `${pp}.file`);
        const filename = optString(file, 'filename', `${pp}.file.filename`);
        return { type: 'file', mediaType: data.mediaType, data: data.data, ...(filename ? { filename } : {}) };
      }
      case 'input_audio':
        unsupported(ctx, 'audio input', pp);
      default:
        invalid(`${pp}.type ${JSON.stringify(part.type)} is not a known content part`, pp);
    }
  });
}

function decodeAssistant(msg: Json, path: string, ctx: TranslateContext): AssistantContent[] {
  const out: AssistantContent[] = [];
  if (msg.function_call) unsupported(ctx, 'the legacy function_call (use tool_calls)', `${path}.function_call`);
  if (msg.audio) unsupported(ctx, 'assistant audio', `${path}.audio`);
  const reasoning = optString(msg, 'reasoning_content', `${path}.reasoning_content`);
  if (reasoning) out.push({ type: 'reasoning', text: reasoning });
  const c = msg.content;
  if (typeof c === 'string') {
    if (c.length) out.push({ type: 'text', text: c });
  } else if (Array.isArray(c)) {
    c.forEach((p, i) => {
      const part = reqRecord(p, `${path}.content[${i}]`);
      if (part.type === 'text') out.push({ type: 'text', text: reqString(part, 'text', `${path}.content[${i}].text`) });
      else if (part.type === 'refusal') out.push({ type: 'text', text: reqString(part, 'refusal', `${path}.content[${i}].refusal`) });
      else invalid(`${path}.content[${i}] must be a text or refusal part`, `${path}.content[${i}]`);
    });
  } else if (c !== null && c !== undefined) {
    invalid(`${path}.content must be a string, an array or null`, `${path}.content`);
  }
  const calls = optArray(msg, 'tool_calls', `${path}.tool_calls`) ?? [];
  calls.forEach((tc, i) => {
    const pp = `${path}.tool_calls[${i}]`;
    const call = reqRecord(tc, pp);
    if (call.type !== undefined && call.type !== 'function') unsupported(ctx, `tool calls of type ${String(call.type)}`, pp);
    const fn = reqRecord(call.function, `${pp}.function`);
    out.push({
      type: 'tool_call', id: reqString(call, 'id', `${pp}.id`), name: reqString(fn, 'name', `${pp}.function.name`),
      arguments: optString(fn, 'arguments', `${pp}.function.arguments`) ?? '{}',
    });
  });
  return out;
}

function decodeTool(t: unknown, path: string, ctx: TranslateContext): ToolDefinition {
  const tool = reqRecord(t, path);
  if (tool.type !== 'function') unsupported(ctx, `tools of type ${String(tool.type)}`, `${path}.type`);
  const fn = reqRecord(tool.function, `${path}.function`);
  const def: ToolDefinition = { name: reqString(fn, 'name', `${path}.function.name`), parameters: optRecord(fn, 'parameters', `${path}.function.parameters`) ?? { type: 'object', properties: {} } };
  const description = optString(fn, 'description', `${path}.function.description`);
  if (description) def.description = description;
  const strict = optBoolean(fn, 'strict', `${path}.function.strict`);
  if (strict !== undefined) def.strict = strict;
  return def;
}

function decodeToolChoice(v: unknown, ctx: TranslateContext): ToolChoice {
  if (v === 'auto' || v === 'none' || v === 'required') return { type: v };
  if (isRecord(v) && v.type === 'function' && isRecord(v.function)) return { type: 'tool', name: reqString(v.function, 'name', 'tool_choice.function.name') };
  if (isRecord(v) && v.type === 'allowed_tools') unsupported(ctx, 'tool_choice allowed_tools', 'tool_choice');
  invalid('tool_choice must be auto, none, required or {"type":"function","function":{"name":…}}', 'tool_choice');
}

function decodeResponseFormat(rf: Json): ResponseFormat {
  switch (rf.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      return decodeJsonSchemaFormat(reqRecord(rf.json_schema, 'response_format.json_schema'), 'response_format.json_schema');
    }
    default:
      invalid('response_format.type must be text, json_object or json_schema', 'response_format.type');
  }
}

/** A JSON-schema output format (`schema`, `name`, `description`, `strict`); `at` is its path in the request. */
export function decodeJsonSchemaFormat(js: Record<string, unknown>, at: string): ResponseFormat {
  const out: ResponseFormat = { type: 'json_schema', schema: optRecord(js, 'schema', `${at}.schema`) ?? {} };
  const name = optString(js, 'name', `${at}.name`);
  if (name) out.name = name;
  const description = optString(js, 'description', `${at}.description`);
  if (description) out.description = description;
  const strict = optBoolean(js, 'strict', `${at}.strict`);
  if (strict !== undefined) out.strict = strict;
  return out;
}
