/**
 * A model call as the route groups hand it to the call path: the body parsed once, and what the
 * later steps need read out of it once, in the client's format — so policy (and later budgets and
 * routing) read typed fields, never the raw JSON of five formats.
 */
import type { ResolvedAuth } from '../auth/auth-entry.ts';
import { GatewayError, isGatewayError, type ErrorSurface } from '../errors/index.ts';
import { estimateInputTokens } from '../policy/token-estimate.ts';
import type { IngressFormat } from '../wire/wire-format.ts';
import { requestedAnswers, requestedOutputTokens } from '../wire/output-budget.ts';
import { singleToolCall } from './translate.ts';

export interface GatewayRequest {
  /** The format the client speaks; also the `surface` label of metrics and usage records. */
  format: IngressFormat;
  /** The shape error bodies take on this route. */
  errorSurface: ErrorSurface;
  /** The client's body, parsed once. */
  body: Record<string, unknown>;
  /** The model the client named (in the body, or Gemini's URL), as sent: access validates it. */
  model: unknown;
  stream: boolean;
  /** The largest output budget the body names in any spelling (undefined: none). */
  outputTokens: number | undefined;
  /** A budget that is not a non-negative integer: refused at the policy step, where budgets are read,
   *  so a request for a model the key cannot use still hears about the model first. */
  outputTokensError?: GatewayError;
  /** Estimated input tokens, reserved against tokens-per-minute limits before the call. */
  inputTokens: number;
  /** How many answers the call generates (OpenAI `n`, Gemini `candidateCount`): each may use the whole
   *  output budget, so token and budget reservations count the output this many times. */
  answers: number;
  /** The client turned parallel tool calls off: only the first call is returned. */
  singleToolCall: boolean;
  /** openai-chat: the client asked for `stream_options.include_usage`. */
  includeUsage?: boolean;
  /** gemini-generate: a JSON-array stream instead of SSE (no `alt=sse`). */
  jsonArray?: boolean;
  /** openai-embeddings: the client's `encoding_format`. */
  encodingFormat?: unknown;
  /** Gemini clients may send the key as `?key=` (the auth hook reads it; this is for the call path's fallback). */
  queryKey: boolean;
  /** The usage record's `surface` when it is not the format (the console's playground). */
  usageSurface?: string;
  /** Steps only one format has, run by the call path at their place. */
  hooks?: {
    /** Once the key is known, before the policy step: the request to go on with (Responses: item references resolved). */
    prepare?(auth: ResolvedAuth): Promise<GatewayRequest>;
    /** The answer's output items (Responses: remembered so a later turn may refer to them). */
    onOutputItems?(auth: ResolvedAuth, output: unknown): void;
  };
}

export type GatewayRequestFields = Pick<GatewayRequest, 'model' | 'stream'> & Partial<Pick<GatewayRequest, 'includeUsage' | 'jsonArray' | 'encodingFormat' | 'queryKey' | 'hooks'>>;

/** A JSON object body, or 400. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new GatewayError('invalid_request_body', 'Request body must be a JSON object');
  return body as Record<string, unknown>;
}

/** Reads once what every later step needs from a body in `format`. */
export function gatewayRequest(format: IngressFormat, errorSurface: ErrorSurface, body: Record<string, unknown>, fields: GatewayRequestFields): GatewayRequest {
  let outputTokens: number | undefined;
  let outputTokensError: GatewayError | undefined;
  try {
    outputTokens = requestedOutputTokens(body);
  } catch (e) {
    if (!isGatewayError(e)) throw e;
    outputTokensError = e;
  }
  return {
    format, errorSurface, body, outputTokens, outputTokensError, queryKey: false, ...fields,
    inputTokens: estimateInputTokens(body),
    answers: requestedAnswers(body),
    singleToolCall: singleToolCall(format, body),
  };
}
