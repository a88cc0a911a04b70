// Narrowing helpers for untyped JSON bodies: decoders read client and upstream JSON through these
// instead of casting, so a wrong type becomes a 400 naming the field, not a TypeError.
import { invalid } from './translate-context.ts';

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function optString(body: Json, key: string, path = key): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') invalid(`${path} must be a string`, path);
  return v;
}

export function optNumber(body: Json, key: string, path = key): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) invalid(`${path} must be a number`, path);
  return v;
}

export function optInteger(body: Json, key: string, path = key): number | undefined {
  const v = optNumber(body, key, path);
  if (v !== undefined && (!Number.isInteger(v) || v < 0)) invalid(`${path} must be a non-negative integer`, path);
  return v;
}

export function optBoolean(body: Json, key: string, path = key): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') invalid(`${path} must be a boolean`, path);
  return v;
}

export function optRecord(body: Json, key: string, path = key): Json | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) invalid(`${path} must be an object`, path);
  return v;
}

export function optArray(body: Json, key: string, path = key): unknown[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) invalid(`${path} must be an array`, path);
  return v;
}

export function reqRecord(v: unknown, path: string): Json {
  if (!isRecord(v)) invalid(`${path} must be an object`, path);
  return v;
}

export function reqString(body: Json, key: string, path = key): string {
  const v = optString(body, key, path);
  if (v === undefined) invalid(`${path} is required`, path);
  return v;
}

/** `stop` may be a string or an array of strings on every family. */
export function optStringList(body: Json, key: string, path = key): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) invalid(`${path} must be a string or an array of strings`, path);
  return v as string[];
}

/** Parses tool-call arguments; the client or upstream must send a JSON object. */
export function parseArguments(text: string, path: string): Json {
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    invalid(`${path} is not valid JSON`, path);
  }
  if (!isRecord(v)) invalid(`${path} must be a JSON object`, path);
  return v;
}

/** Fields a decoder recognised; anything else in the body is refused by name (never silently dropped). */
export function refuseUnknownFields(body: Json, known: ReadonlySet<string>, peer: string): void {
  for (const k of Object.keys(body)) {
    if (!known.has(k) && body[k] !== undefined) invalid(`${k} is not supported when the model is served by ${peer}`, k);
  }
}
