/**
 * What an audit entry may keep of a record. Secrets never reach the log: fields named like a
 * secret (key, token, password, hash, ciphertext, client or webhook secret, env, headers that
 * carry credentials) become "[masked]", and any string that still contains one of Odock's own
 * secret shapes (virtual keys `odk_`, operator tokens `odt_`, invitation tokens `odi_`) or a
 * typical provider key (`sk-…`) is cut down to its prefix. Ids (`…Id`, `…_id`) and counts of
 * tokens (`maxTokens`) stay readable.
 */
export const MASKED = '[masked]';

const SECRET_NAME = /(secret|password|passwd|hash|ciphertext|credential|authorization|cookie|privatekey|apikey$|^key$|token$|^env$|^headers$)/;
const KEPT_NAME = /(id|ids|preview|last4|expiresat|expiry|type|count)$/;
const SECRET_VALUE = /\b(odk|odt|odi)_[A-Za-z0-9_-]{6,}|\bsk-[A-Za-z0-9_-]{8,}/g;
const MAX_DEPTH = 8;

const isSecretName = (name: string): boolean => {
  const n = name.toLowerCase().replace(/[_-]/g, '');
  return SECRET_NAME.test(n) && !KEPT_NAME.test(n);
};

export function maskString(s: string): string {
  return s.replace(SECRET_VALUE, (m) => `${m.slice(0, 4)}${MASKED}`);
}

export function maskSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return MASKED;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSecretName(k) && v !== null && v !== undefined && v !== '' ? MASKED : maskSecrets(v, depth + 1);
  }
  return out;
}
