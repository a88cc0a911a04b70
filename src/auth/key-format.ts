import { ALPHABET, randomBase62, sha256Hex, toBase62 } from '../crypto/tokens.ts';

/**
 * Virtual API key format: `odk_` + 43 base62 characters (256 bits of randomness) + 6 base62
 * characters of CRC-32 over the random part. The prefix makes leaked keys findable by secret
 * scanners; the checksum lets the gateway reject a mistyped key without touching storage.
 */
export const KEY_PREFIX = 'odk_';
const RANDOM_LEN = 43;
const CHECK_LEN = 6;
export const KEY_LENGTH = KEY_PREFIX.length + RANDOM_LEN + CHECK_LEN;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(s: string, from = 0, to = s.length): number {
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ s.charCodeAt(i)) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}


export function generateVirtualKey(): string {
  const body = randomBase62(RANDOM_LEN);
  return KEY_PREFIX + body + toBase62(crc32(body), CHECK_LEN);
}

/** Format and checksum only; no I/O. */
export function isWellFormedKey(key: string): boolean {
  if (key.length !== KEY_LENGTH || !key.startsWith(KEY_PREFIX)) return false;
  for (let i = KEY_PREFIX.length; i < KEY_LENGTH; i++) {
    const c = key.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!ok) return false;
  }
  // The checksum digits compared in place, last (least significant, as toBase62 writes them) first:
  // every gateway request runs this, and slicing and re-encoding allocated three strings a call.
  let v = crc32(key, KEY_PREFIX.length, KEY_PREFIX.length + RANDOM_LEN);
  for (let i = KEY_LENGTH - 1; i >= KEY_PREFIX.length + RANDOM_LEN; i--) {
    if (key.charCodeAt(i) !== ALPHABET.charCodeAt(v % 62)) return false;
    v = Math.floor(v / 62);
  }
  return true;
}

export const hashKey = sha256Hex;

/** What the API shows instead of a key: prefix and last four characters. */
export function maskKey(lastFour: string): string {
  return `${KEY_PREFIX}${'•'.repeat(8)}${lastFour}`;
}
