import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors/index.ts';
import { rememberRawBody } from '../gateway/raw-body.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COLON = 0x3a;

/**
 * One linear pass, aware of strings and escapes (a string full of brackets is not nesting): -1 when
 * the JSON text nests objects/arrays deeper than `max`, else the number of object members in it (one
 * `:` outside strings per member; see gateway/raw-body.ts). Works on UTF-8 bytes too: multi-byte
 * sequences never contain these ASCII values. Malformed text is left to JSON.parse.
 */
export function scanJson(text: string | Uint8Array, max: number): number {
  const isString = typeof text === 'string';
  const n = text.length;
  let depth = 0;
  let members = 0;
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = isString ? (text as string).charCodeAt(i) : (text as Uint8Array)[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === COLON) members++;
    else if (c === OPEN_OBJ || c === OPEN_ARR) {
      if (++depth > max) return -1;
    } else if (c === CLOSE_OBJ || c === CLOSE_ARR) depth--;
  }
  return members;
}

/** True when the JSON text nests objects/arrays deeper than `max`. */
export function jsonDepthExceeds(text: string | Uint8Array, max: number): boolean {
  return scanJson(text, max) < 0;
}

export function tooDeepError(max: number): GatewayError {
  return new GatewayError('invalid_request_body', `Request body nests JSON deeper than ${max} levels (MAX_JSON_DEPTH)`);
}

/** Fastify's own JSON parser (prototype-poisoning refusals included), called synchronously. */
export function secureJsonParser(app: FastifyInstance): (text: string) => unknown {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  return (text) => {
    let out: unknown;
    let failure: unknown;
    parseJson(undefined as never, text, (err, parsed) => {
      failure = err;
      out = parsed;
    });
    if (failure) throw failure;
    return out;
  };
}

/**
 * A request body as both fronts parse it (this parser for Fastify's routes, surfaces/gateway-front.ts
 * for the model routes): the depth is checked before JSON.parse ever sees the text, so a deeply
 * nested body costs one linear scan and cannot overflow a recursive consumer later on; an object's
 * text is kept for a body the gateway forwards unchanged (gateway/raw-body.ts).
 */
export function parseBoundedJson(text: string, maxDepth: number, parse: (text: string) => unknown): unknown {
  const members = scanJson(text, maxDepth);
  if (members < 0) throw tooDeepError(maxDepth);
  const parsed = parse(text);
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) rememberRawBody(parsed, text, members);
  return parsed;
}

/**
 * Replaces Fastify's JSON parser for every route registered after this call with parseBoundedJson.
 * Prototype-poisoning protection and the route's body limit are Fastify's own, unchanged.
 */
export function installJsonParser(app: FastifyInstance, maxDepth: number): void {
  const parse = secureJsonParser(app);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    let parsed: unknown;
    try {
      parsed = parseBoundedJson(body as string, maxDepth, parse);
    } catch (e) {
      done(e as Error, undefined);
      return;
    }
    done(null, parsed);
  });
}
