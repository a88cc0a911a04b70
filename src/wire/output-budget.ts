/**
 * The output budget of a call (`max_tokens` and its other spellings). The payload.max_tokens
 * policy must bound what the upstream is actually asked to generate, so the budget is read from
 * every spelling a surface accepts (the largest counts) and the cap is applied once more to the
 * body that goes upstream, in the target's own field: a client that sends none, a translation
 * default (Anthropic's 4096, raised for a thinking budget) or a spelling the gateway did not
 * think of can never exceed it.
 */
import { GatewayError } from '../errors/index.ts';
import { isRecord, type Json } from './wire-guards.ts';
import { openAIDialect } from './openai/chat-request-encode.ts';

/** Top-level spellings: OpenAI chat (both), Anthropic, Responses. */
const TOP_LEVEL = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;
/** Gemini is proto3 JSON: the object and the field may each be camelCase or snake_case. */
const GEMINI_CONFIGS = ['generationConfig', 'generation_config'] as const;
const GEMINI_FIELDS = ['maxOutputTokens', 'max_output_tokens'] as const;
const OPENAI_FIELDS = ['max_tokens', 'max_completion_tokens'] as const;
/** Anthropic's smallest thinking budget. */
const MIN_THINKING = 1024;

function budgetValue(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  // Strings ("5000") are refused rather than coerced: the providers disagree on whether they accept them.
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new GatewayError('invalid_request_body', `${path} must be a non-negative integer`, { param: path });
  }
  return v;
}

/**
 * The largest output budget a client body asks for, in any surface's spelling; undefined when it
 * names none (null counts as none). Throws `invalid_request_body` for any other value than a
 * non-negative integer.
 */
export function requestedOutputTokens(body: Record<string, unknown>): number | undefined {
  let max: number | undefined;
  const take = (v: unknown, path: string) => {
    const n = budgetValue(v, path);
    if (n !== undefined && (max === undefined || n > max)) max = n;
  };
  for (const k of TOP_LEVEL) take(body[k], k);
  for (const c of GEMINI_CONFIGS) {
    const gc = body[c];
    if (!isRecord(gc)) continue;
    for (const f of GEMINI_FIELDS) take(gc[f], `${c}.${f}`);
  }
  return max;
}

const ANSWER_FIELDS = ['candidateCount', 'candidate_count'] as const;
const MAX_ANSWERS = 1_000_000;

/**
 * How many answers a body asks for (OpenAI's `n`, Gemini's `candidateCount` in any spelling), each
 * of which may use the whole output budget: the largest, at least 1. A value that is not a positive
 * integer counts as 1 (the upstream refuses it; nothing is reserved for it).
 */
export function requestedAnswers(body: Record<string, unknown>): number {
  let max = 1;
  const take = (v: unknown) => {
    if (typeof v === 'number' && Number.isInteger(v) && v > max) max = Math.min(v, MAX_ANSWERS);
  };
  take(body.n);
  for (const c of GEMINI_CONFIGS) {
    const gc = body[c];
    if (!isRecord(gc)) continue;
    for (const f of ANSWER_FIELDS) take(gc[f]);
  }
  return max;
}

/*
 * The cap applied to a body in one family's format (a copy is returned; the client's body is never
 * mutated). `clientSet`: whether the client named a budget. When it did not, the gateway owns the
 * budget and sends the cap in the target's field, replacing any translation default; when it did,
 * any value above the cap is lowered (the policy step has already refused such requests, so this
 * only catches the gateway's own defaults). Each family's format (wire/<family>/) uses its own.
 */

/** OpenAI chat: `max_tokens` / `max_completion_tokens`; a missing budget goes in the dialect's field. */
export function capOpenAIOutput(body: Json, cap: number, clientSet: boolean, dialect: string): Json {
  const out: Json = { ...body };
  let present = false;
  for (const f of OPENAI_FIELDS) {
    const v = out[f];
    if (v === undefined) continue;
    if (v === null) {
      delete out[f];
      continue;
    }
    present = true;
    if (!clientSet || typeof v !== 'number' || v > cap) out[f] = cap;
  }
  if (!present) out[openAIDialect(dialect).maxTokensField] = cap;
  return out;
}

/** Anthropic Messages: `max_tokens`, with a thinking budget kept below it. */
export function capAnthropicOutput(body: Json, cap: number, clientSet: boolean): Json {
  const out: Json = { ...body };
  const v = out.max_tokens;
  if (clientSet && typeof v === 'number' && v <= cap) return out;
  out.max_tokens = cap;
  // Anthropic wants budget_tokens below max_tokens; a budget the gateway lowered max_tokens under is
  // shrunk to fit when it still can be (the upstream refuses the call otherwise).
  const th = out.thinking;
  if (isRecord(th) && typeof th.budget_tokens === 'number' && th.budget_tokens >= cap && cap - 1 >= MIN_THINKING) {
    out.thinking = { ...th, budget_tokens: cap - 1 };
  }
  return out;
}

/** Gemini: `maxOutputTokens` in the generation config, in whichever spelling the client used. */
export function capGeminiOutput(body: Json, cap: number, clientSet: boolean): Json {
  const out: Json = { ...body };
  let present = false;
  for (const c of GEMINI_CONFIGS) {
    const gc = out[c];
    if (!isRecord(gc)) continue;
    const copy: Json = { ...gc };
    for (const f of GEMINI_FIELDS) {
      const v = copy[f];
      if (v === undefined) continue;
      if (v === null) {
        delete copy[f];
        continue;
      }
      present = true;
      if (!clientSet || typeof v !== 'number' || v > cap) copy[f] = cap;
    }
    out[c] = copy;
  }
  if (!present) {
    // Into the config object the client already sent, in its spelling; else a new generationConfig.
    if (isRecord(out.generationConfig)) (out.generationConfig as Json).maxOutputTokens = cap;
    else if (isRecord(out.generation_config)) (out.generation_config as Json).max_output_tokens = cap;
    else out.generationConfig = { maxOutputTokens: cap };
  }
  return out;
}
