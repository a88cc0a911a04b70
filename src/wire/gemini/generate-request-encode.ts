/**
 * Canonical request → Gemini generateContent body. Tool schemas go as `parametersJsonSchema` and
 * structured output as `responseJsonSchema` (JSON Schema as-is; the older OpenAPI-subset fields
 * refuse common JSON Schema keywords). Gemini cannot fetch arbitrary image URLs, so those are a 400.
 */
import type { ChatRequest, Message, ToolResultPart } from '../../canonical/chat.types.ts';
import { unsupported, type TranslateContext } from '../translate-context.ts';
import { parseArguments, type Json } from '../wire-guards.ts';
import { budgetFromEffort } from '../anthropic/messages-request-encode.ts';
import { SKIP_SIGNATURE, splitGeminiCallId } from './tool-call-ids.ts';

export function encodeGeminiRequest(req: ChatRequest, slug: string, ctx: TranslateContext): Json {
  const { system, contents } = encodeContents(req.messages, /(^|\/)gemini-3/.test(slug), ctx);
  const body: Json = { contents };
  if (system !== undefined) body.systemInstruction = { parts: [{ text: system }] };
  if (req.tools) {
    body.tools = [{ functionDeclarations: req.tools.map((t) => ({ name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), parametersJsonSchema: t.parameters })) }];
  }
  // Gemini has no switch for parallel calls: parallelToolCalls false is honoured on the way back,
  // by keeping the first call (see singleToolCall in gateway/translate.ts).
  if (req.toolChoice) {
    const tc = req.toolChoice;
    const fcc: Json = tc.type === 'auto' ? { mode: 'AUTO' } : tc.type === 'none' ? { mode: 'NONE' } : tc.type === 'required' ? { mode: 'ANY' } : { mode: 'ANY', allowedFunctionNames: [tc.name] };
    body.toolConfig = { functionCallingConfig: fcc };
  }
  const gc: Json = {};
  if (req.stop) gc.stopSequences = req.stop;
  if (req.maxTokens !== undefined) gc.maxOutputTokens = req.maxTokens;
  if (req.temperature !== undefined) gc.temperature = req.temperature;
  if (req.topP !== undefined) gc.topP = req.topP;
  if (req.topK !== undefined) gc.topK = req.topK;
  if (req.seed !== undefined) gc.seed = req.seed;
  if (req.presencePenalty !== undefined) gc.presencePenalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) gc.frequencyPenalty = req.frequencyPenalty;
  if (req.responseFormat?.type === 'json') gc.responseMimeType = 'application/json';
  else if (req.responseFormat?.type === 'json_schema') {
    gc.responseMimeType = 'application/json';
    gc.responseJsonSchema = req.responseFormat.schema;
  }
  if (req.reasoning) {
    gc.thinkingConfig = req.reasoning.enabled
      ? { thinkingBudget: req.reasoning.budgetTokens ?? budgetFromEffort(req.reasoning.effort), ...(req.reasoning.includeThoughts ? { includeThoughts: true } : {}) }
      : { thinkingBudget: 0 };
  }
  if (Object.keys(gc).length) body.generationConfig = gc;
  return body;
}

function encodeContents(messages: Message[], gemini3: boolean, ctx: TranslateContext): { system?: string; contents: Json[] } {
  let system: string | undefined;
  const contents: Json[] = [];
  const push = (role: 'user' | 'model', parts: Json[]) => {
    if (parts.length === 0) return;
    const prev = contents[contents.length - 1];
    if (prev && prev.role === role) (prev.parts as Json[]).push(...parts);
    else contents.push({ role, parts });
  };
  for (const m of messages) {
    switch (m.role) {
      case 'system': {
        if (contents.length > 0) unsupported(ctx, 'system messages after the conversation has started', 'messages');
        const text = m.content.map((p) => p.text).join('');
        system = system === undefined ? text : `${system}\n${text}`;
        break;
      }
      case 'user':
        push('user', m.content.map((p): Json => {
          if (p.type === 'text') return { text: p.text };
          if (p.type === 'file') return { inlineData: { mimeType: p.mediaType, data: p.data } };
          if (p.source.kind === 'url') unsupported(ctx, 'an image given by URL (send it as base64 data instead)', 'messages');
          return { inlineData: { mimeType: p.source.mediaType, data: p.source.data } };
        }));
        break;
      case 'assistant': {
        const parts: Json[] = [];
        let signed = false;
        let firstCall = -1;
        for (const p of m.content) {
          if (p.type === 'text') {
            if (p.text.length) parts.push({ text: p.text });
          } else if (p.type === 'tool_call') {
            const { signature } = splitGeminiCallId(p.id);
            const part: Json = { functionCall: { name: p.name, args: parseArguments(p.arguments, `tool call ${p.id} arguments`) } };
            if (signature) {
              part.thoughtSignature = signature;
              signed = true;
            }
            if (firstCall < 0) firstCall = parts.length;
            parts.push(part);
          }
          // Reasoning text is not replayed: Gemini reads its own thoughts only through signatures.
        }
        // Gemini 3 refuses function-call history without a signature (e.g. a conversation begun on another model).
        if (gemini3 && firstCall >= 0 && !signed) parts[firstCall].thoughtSignature = SKIP_SIGNATURE;
        push('model', parts);
        break;
      }
      case 'tool':
        push('user', m.content.map((r) => functionResponse(r, ctx)));
        break;
    }
  }
  return { system, contents };
}

function functionResponse(r: ToolResultPart, ctx: TranslateContext): Json {
  if (r.content.some((p) => p.type !== 'text')) unsupported(ctx, 'images in tool results', 'messages');
  const text = r.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
  let value: unknown = text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') value = parsed;
  } catch {
    // plain text output
  }
  // Gemini's documented convention: "output" for the function's result, "error" for a failure.
  return { functionResponse: { name: r.name, response: r.isError ? { error: value } : { output: value } } };
}
