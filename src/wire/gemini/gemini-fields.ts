/**
 * The Gemini REST API is proto3 JSON: every field may be sent as lowerCamelCase or as its
 * snake_case proto name (Google's own REST samples use `system_instruction`, `inline_data`…).
 * Decoders read both through these helpers.
 */
import type { Json } from '../wire-guards.ts';

const SNAKE = new Map<string, string>();

export function snakeCase(camel: string): string {
  let s = SNAKE.get(camel);
  if (s === undefined) {
    s = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    SNAKE.set(camel, s);
  }
  return s;
}

export function g(obj: Json, camel: string): unknown {
  const v = obj[camel];
  return v !== undefined ? v : obj[snakeCase(camel)];
}

/** A set holding each name in both spellings. */
export function bothCases(names: string[]): Set<string> {
  const out = new Set<string>();
  for (const n of names) {
    out.add(n);
    out.add(snakeCase(n));
  }
  return out;
}

/**
 * Gemini's OpenAPI-subset Schema (`parameters`, `responseSchema`: upper-case types, `nullable`,
 * `propertyOrdering`) → JSON Schema, for targets that take JSON Schema.
 */
export function openApiToJsonSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(openApiToJsonSchema);
  if (!s || typeof s !== 'object') return s;
  const out: Json = {};
  let nullable = false;
  for (const [k, v] of Object.entries(s as Json)) {
    if (k === 'nullable') nullable = v === true;
    else if (k === 'propertyOrdering' || k === 'property_ordering') continue;
    else if (k === 'type' && typeof v === 'string') out.type = v.toLowerCase();
    else if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(Object.entries(v as Json).map(([p, ps]) => [p, openApiToJsonSchema(ps)]));
    } else if (k === 'items' || k === 'anyOf' || k === 'any_of') out[k === 'any_of' ? 'anyOf' : k] = openApiToJsonSchema(v);
    else out[k] = v;
  }
  if (nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}
