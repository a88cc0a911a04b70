import { GatewayError } from '../errors/index.ts';
import { isRecord } from './wire-guards.ts';

/**
 * What a translator needs to know about the other side, so a refusal can name both the feature
 * and who cannot take it ("… is not supported by Anthropic models").
 */
export interface TranslateContext {
  /** Display name of the target or source family, e.g. 'Anthropic', 'Google Gemini'. */
  peer: string;
}

/** 400 for a feature the other side cannot express. `param` points the client at the field. */
export function unsupported(ctx: TranslateContext, feature: string, param?: string): never {
  throw new GatewayError('invalid_request', `${feature} is not supported when the model is served by ${ctx.peer}`, param ? { param } : {});
}

/** 400 for a malformed request body field. */
export function invalid(message: string, param?: string): never {
  throw new GatewayError('invalid_request', message, param ? { param } : {});
}

/** The upstream answered something that is not the format it documents. */
export function badUpstream(what: string): never {
  throw new GatewayError('upstream_error', `The upstream provider sent an unexpected ${what}`);
}

/** One SSE `data:` payload of an upstream stream, which must be a JSON object (`what` names it in the error). */
export function parseStreamJson(data: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    badUpstream(`${what} (not JSON)`);
  }
  if (!isRecord(v)) badUpstream(what);
  return v;
}
