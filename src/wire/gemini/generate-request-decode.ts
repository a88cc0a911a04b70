/**
 * Gemini generateContent body → canonical request (only when another family serves the model).
 * Gemini calls carry no ids: each functionCall gets `call_{turn}_{n}` (or its own `id` when the
 * client sent one) and each functionResponse is matched to the earliest unanswered call of the
 * same name. `safetySettings` and `mediaResolution` are Gemini-side hints and are not forwarded.
 */
import type { AssistantContent, ChatRequest, Message, ReasoningEffort, ToolChoice, ToolDefinition, ToolResultPart, UserContent } from '../../canonical/chat.types.ts';
import { invalid, unsupported, type TranslateContext } from '../translate-context.ts';
import { isRecord, refuseUnknownFields, reqRecord, reqString, type Json } from '../wire-guards.ts';
import { bothCases, g, openApiToJsonSchema } from './gemini-fields.ts';

const KNOWN = bothCases(['model', 'contents', 'systemInstruction', 'tools', 'toolConfig', 'safetySettings', 'generationConfig']);
const KNOWN_CONFIG = bothCases([
  'stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'candidateCount', 'maxOutputTokens', 'temperature', 'topP',
  'topK', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseLogprobs', 'thinkingConfig', 'responseModalities', 'mediaResolution',
]);

export function decodeGeminiRequest(body: Json, ctx: TranslateContext): ChatRequest {
  refuseUnknownFields(body, KNOWN, ctx.peer);
  const messages: Message[] = [];
  const sys = g(body, 'systemInstruction');
  if (sys !== undefined && sys !== null) {
    const parts = reqRecord(sys, 'systemInstruction').parts;
    if (!Array.isArray(parts)) invalid('systemInstruction.parts must be an array', 'systemInstruction');
    messages.push({ role: 'system', content: [{ type: 'text', text: parts.map((p, i) => reqString(reqRecord(p, `systemInstruction.parts[${i}]`), 'text', `systemInstruction.parts[${i}].text`)).join('\n') }] });
  }
  decodeContents(body, messages, ctx);
  const req: ChatRequest = { messages, stream: false };
  const tools = body.tools;
  if (Array.isArray(tools) && tools.length) req.tools = decodeTools(tools, ctx);
  const tc = g(body, 'toolConfig');
  if (isRecord(tc)) {
    const choice = decodeToolChoice(tc, ctx);
    if (choice) req.toolChoice = choice;
  }
  const gc = g(body, 'generationConfig');
  if (gc !== undefined && gc !== null) decodeConfig(reqRecord(gc, 'generationConfig'), req, ctx);
  return req;
}

function decodeContents(body: Json, out: Message[], ctx: TranslateContext): void {
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) invalid('contents must be a non-empty array', 'contents');
  const pending: Array<{ id: string; name: string }> = [];
  contents.forEach((c, i) => {
    const path = `contents[${i}]`;
    const content = reqRecord(c, path);
    const parts = content.parts;
    if (!Array.isArray(parts)) invalid(`${path}.parts must be an array`, `${path}.parts`);
    const role = content.role ?? 'user';
    if (role === 'model') {
      const msg: AssistantContent[] = [];
      parts.forEach((p, j) => {
        const pp = `${path}.parts[${j}]`;
        const part = reqRecord(p, pp);
        const fc = g(part, 'functionCall');
        if (isRecord(fc)) {
          const name = reqString(fc, 'name', `${pp}.functionCall.name`);
          const id = typeof fc.id === 'string' && fc.id ? fc.id : `call_${i}_${j}`;
          pending.push({ id, name });
          msg.push({ type: 'tool_call', id, name, arguments: JSON.stringify(fc.args ?? {}) });
        } else if (typeof part.text === 'string') {
          msg.push(part.thought === true ? { type: 'reasoning', text: part.text } : { type: 'text', text: part.text });
        } else {
          unsupported(ctx, `${partKind(part)} parts in model turns`, pp);
        }
      });
      out.push({ role: 'assistant', content: msg });
    } else if (role === 'user' || role === 'function') {
      const results: ToolResultPart[] = [];
      const rest: UserContent[] = [];
      parts.forEach((p, j) => {
        const pp = `${path}.parts[${j}]`;
        const part = reqRecord(p, pp);
        const fr = g(part, 'functionResponse');
        if (isRecord(fr)) results.push(decodeFunctionResponse(fr, pp, pending));
        else rest.push(decodeUserPart(part, pp, ctx));
      });
      if (results.length) out.push({ role: 'tool', content: results });
      if (rest.length) out.push({ role: 'user', content: rest });
    } else {
      invalid(`${path}.role must be user or model`, `${path}.role`);
    }
  });
}

function decodeFunctionResponse(fr: Json, path: string, pending: Array<{ id: string; name: string }>): ToolResultPart {
  const name = reqString(fr, 'name', `${path}.functionResponse.name`);
  const byId = typeof fr.id === 'string' ? pending.findIndex((c) => c.id === fr.id) : -1;
  const at = byId >= 0 ? byId : pending.findIndex((c) => c.name === name);
  if (at < 0) invalid(`${path}.functionResponse ${JSON.stringify(name)} does not answer a functionCall of an earlier model turn`, `${path}.functionResponse`);
  const [call] = pending.splice(at, 1);
  const response = fr.response;
  const text = isRecord(response) && Object.keys(response).length === 1 && typeof (response.output ?? response.result) === 'string'
    ? String(response.output ?? response.result)
    : JSON.stringify(response ?? {});
  return { type: 'tool_result', toolCallId: call.id, name, content: [{ type: 'text', text }], ...(isRecord(response) && response.error !== undefined ? { isError: true } : {}) };
}

function partKind(part: Json): string {
  return Object.keys(part).find((k) => k !== 'thought' && k !== 'thoughtSignature' && k !== 'thought_signature') ?? 'empty';
}

function decodeUserPart(part: Json, path: string, ctx: TranslateContext): UserContent {
  if (typeof part.text === 'string') return { type: 'text', text: part.text };
  const inline = g(part, 'inlineData');
  if (isRecord(inline)) {
    const mediaType = String(g(inline, 'mimeType') ?? '');
    const data = reqString(inline, 'data', `${path}.inlineData.data`);
    if (!mediaType) invalid(`${path}.inlineData.mimeType is required`, path);
    return mediaType.startsWith('image/') ? { type: 'image', source: { kind: 'base64', mediaType, data } } : { type: 'file', mediaType, data };
  }
  const file = g(part, 'fileData');
  if (isRecord(file)) {
    const mediaType = String(g(file, 'mimeType') ?? '');
    const uri = String(g(file, 'fileUri') ?? '');
    if (!mediaType.startsWith('image/') || !/^https?:\/\//.test(uri)) unsupported(ctx, 'fileData parts other than image URLs', path);
    return { type: 'image', source: { kind: 'url', url: uri, mediaType } };
  }
  unsupported(ctx, `${partKind(part)} parts`, path);
}

function decodeTools(tools: unknown[], ctx: TranslateContext): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  tools.forEach((t, i) => {
    const tool = reqRecord(t, `tools[${i}]`);
    for (const k of Object.keys(tool)) if (k !== 'functionDeclarations' && k !== 'function_declarations') unsupported(ctx, `the Gemini ${k} tool`, `tools[${i}]`);
    const decls = g(tool, 'functionDeclarations');
    if (!Array.isArray(decls)) invalid(`tools[${i}].functionDeclarations must be an array`, `tools[${i}]`);
    decls.forEach((d, j) => {
      const path = `tools[${i}].functionDeclarations[${j}]`;
      const decl = reqRecord(d, path);
      const json = g(decl, 'parametersJsonSchema');
      const params = isRecord(json) ? json : isRecord(decl.parameters) ? (openApiToJsonSchema(decl.parameters) as Json) : { type: 'object', properties: {} };
      out.push({ name: reqString(decl, 'name', `${path}.name`), ...(typeof decl.description === 'string' ? { description: decl.description } : {}), parameters: params });
    });
  });
  return out;
}

function decodeToolChoice(tc: Json, ctx: TranslateContext): ToolChoice | undefined {
  const fcc = g(tc, 'functionCallingConfig');
  if (!isRecord(fcc)) return undefined;
  const names = g(fcc, 'allowedFunctionNames');
  switch (fcc.mode) {
    case undefined:
    case 'AUTO':
    case 'VALIDATED':
    case 'MODE_UNSPECIFIED':
      return { type: 'auto' };
    case 'NONE':
      return { type: 'none' };
    case 'ANY':
      if (Array.isArray(names) && names.length === 1 && typeof names[0] === 'string') return { type: 'tool', name: names[0] };
      if (Array.isArray(names) && names.length > 1) unsupported(ctx, 'allowedFunctionNames with several functions', 'toolConfig');
      return { type: 'required' };
    default:
      invalid('toolConfig.functionCallingConfig.mode must be AUTO, ANY, NONE or VALIDATED', 'toolConfig');
  }
}

function decodeConfig(gc: Json, req: ChatRequest, ctx: TranslateContext): void {
  refuseUnknownFields(gc, KNOWN_CONFIG, ctx.peer);
  const num = (k: string): number | undefined => {
    const v = g(gc, k);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number') invalid(`generationConfig.${k} must be a number`, `generationConfig.${k}`);
    return v;
  };
  const count = num('candidateCount');
  if (count !== undefined && count !== 1) unsupported(ctx, 'candidateCount greater than 1', 'generationConfig.candidateCount');
  if (g(gc, 'responseLogprobs') === true) unsupported(ctx, 'responseLogprobs', 'generationConfig.responseLogprobs');
  const modalities = g(gc, 'responseModalities');
  if (Array.isArray(modalities) && modalities.some((m) => m !== 'TEXT')) unsupported(ctx, 'non-text responseModalities', 'generationConfig.responseModalities');
  const set = <K extends 'maxTokens' | 'temperature' | 'topP' | 'topK' | 'seed' | 'presencePenalty' | 'frequencyPenalty'>(k: K, v: number | undefined) => {
    if (v !== undefined) req[k] = v;
  };
  set('maxTokens', num('maxOutputTokens'));
  set('temperature', num('temperature'));
  set('topP', num('topP'));
  set('topK', num('topK'));
  set('seed', num('seed'));
  set('presencePenalty', num('presencePenalty'));
  set('frequencyPenalty', num('frequencyPenalty'));
  const stop = g(gc, 'stopSequences');
  if (Array.isArray(stop) && stop.length) req.stop = stop.map(String);
  const mime = g(gc, 'responseMimeType');
  if (mime === 'application/json') {
    const js = g(gc, 'responseJsonSchema');
    const os = g(gc, 'responseSchema');
    if (isRecord(js)) req.responseFormat = { type: 'json_schema', schema: js };
    else if (isRecord(os)) req.responseFormat = { type: 'json_schema', schema: openApiToJsonSchema(os) as Json };
    else req.responseFormat = { type: 'json' };
  } else if (mime !== undefined && mime !== 'text/plain') {
    unsupported(ctx, `responseMimeType ${String(mime)}`, 'generationConfig.responseMimeType');
  }
  const thinking = g(gc, 'thinkingConfig');
  if (isRecord(thinking)) {
    const budget = g(thinking, 'thinkingBudget');
    const level = g(thinking, 'thinkingLevel');
    const include = g(thinking, 'includeThoughts') === true;
    if (budget === 0) req.reasoning = { enabled: false };
    else {
      const effort: ReasoningEffort | undefined = typeof level === 'string' ? (level.toLowerCase() === 'low' ? 'low' : level.toLowerCase() === 'minimal' ? 'minimal' : level.toLowerCase() === 'medium' ? 'medium' : 'high') : undefined;
      req.reasoning = { enabled: true, includeThoughts: include, ...(typeof budget === 'number' && budget > 0 ? { budgetTokens: budget } : {}), ...(effort ? { effort } : {}) };
    }
  }
}
