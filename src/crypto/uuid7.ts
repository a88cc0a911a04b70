import { randomFillSync } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. The same
 * 36-character form as randomUUID(), but ids made later sort later, so the rows the gateway writes
 * at its request rate (usage records, keyed by such an id) land at the end of their indexes instead
 * of on a random page of a large one. Random bytes are drawn in blocks, as randomUUID() does, and
 * the time part is formatted once per millisecond.
 */
const POOL = 16 * 256;
const pool = Buffer.alloc(POOL);
let offset = POOL;
let lastMs = -1;
let prefix = '';

export function uuid7(now = Date.now()): string {
  if (now !== lastMs) {
    const ts = now.toString(16).padStart(12, '0').slice(-12);
    prefix = `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7`;
    lastMs = now;
  }
  if (offset === POOL) {
    randomFillSync(pool);
    offset = 0;
  }
  const r = offset;
  offset += 16;
  // The variant (10xx) in the high bits of byte 8.
  pool[r + 8] = (pool[r + 8]! & 0x3f) | 0x80;
  // Bytes 6–15 as 20 hex digits; the first digit is where the version (7) stands.
  const hex = pool.toString('hex', r + 6, r + 16);
  return `${prefix}${hex.slice(1, 4)}-${hex.slice(4, 8)}-${hex.slice(8)}`;
}

let isoMs = -1;
let iso = '';

/** `new Date(now).toISOString()`, formatted once per millisecond. */
export function isoTime(now = Date.now()): string {
  if (now !== isoMs) {
    iso = new Date(now).toISOString();
    isoMs = now;
  }
  return iso;
}
