import { randomFillSync } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. The same
 * 36-character form as randomUUID(), but ids made later sort later, so the rows the gateway writes
 * at its request rate (usage records, keyed by such an id) land at the end of their indexes instead
 * of on a random page of a large one. Random bytes are drawn in blocks, as randomUUID() does.
 */
const POOL = 16 * 256;
const pool = Buffer.alloc(POOL);
let offset = POOL;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuid7(now = Date.now()): string {
  if (offset === POOL) {
    randomFillSync(pool);
    offset = 0;
  }
  const r = offset;
  offset += 16;
  // 48-bit timestamp, big-endian, as 12 hex digits.
  const ts = now.toString(16).padStart(12, '0').slice(-12);
  const h = (i: number) => HEX[pool[r + i]!]!;
  // Version 7 in the high nibble of byte 6; the variant (10xx) in the high bits of byte 8.
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${h(6).slice(1)}${h(7)}-${HEX[(pool[r + 8]! & 0x3f) | 0x80]}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}
