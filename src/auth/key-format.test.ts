import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { KEY_LENGTH, KEY_PREFIX, generateVirtualKey, hashKey, isWellFormedKey, maskKey } from './key-format.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

test('generated keys carry the odk_ prefix, base62 only, and pass their own check', () => {
  for (let i = 0; i < 200; i++) {
    const k = generateVirtualKey();
    assert.ok(k.startsWith('odk_'));
    assert.equal(KEY_PREFIX, 'odk_');
    assert.equal(k.length, KEY_LENGTH);
    assert.match(k, /^odk_[0-9A-Za-z]+$/);
    assert.ok(isWellFormedKey(k));
  }
});

test('the random part holds at least 256 bits and uses the whole alphabet', () => {
  // 43 random base62 characters (the remaining 6 are the checksum).
  const randomChars = KEY_LENGTH - KEY_PREFIX.length - 6;
  assert.ok(randomChars * Math.log2(62) >= 256, `${randomChars} base62 characters = ${(randomChars * Math.log2(62)).toFixed(1)} bits`);
  const keys = Array.from({ length: 2000 }, generateVirtualKey);
  assert.equal(new Set(keys).size, keys.length, 'no repeats');
  const seen = new Set(keys.flatMap((k) => [...k.slice(4, 4 + randomChars)]));
  assert.equal(seen.size, 62, 'every base62 character occurs');
});

test('any single changed character is rejected by the checksum', () => {
  const k = generateVirtualKey();
  let tried = 0;
  for (let i = KEY_PREFIX.length; i < k.length; i++) {
    for (const c of BASE62) {
      if (c === k[i]) continue;
      const typo = k.slice(0, i) + c + k.slice(i + 1);
      assert.equal(isWellFormedKey(typo), false, `change at ${i} to ${c} accepted`);
      tried++;
    }
  }
  assert.equal(tried, (k.length - KEY_PREFIX.length) * 61);
});

test('swapping two neighbouring characters of the random part is rejected', () => {
  const k = generateVirtualKey();
  for (let i = KEY_PREFIX.length; i < KEY_LENGTH - 7; i++) {
    if (k[i] === k[i + 1]) continue;
    const swapped = k.slice(0, i) + k[i + 1] + k[i] + k.slice(i + 2);
    assert.equal(isWellFormedKey(swapped), false, `swap at ${i} accepted`);
  }
});

test('wrong prefix, truncated, padded, oversized, non-ASCII and empty credentials are malformed', () => {
  const k = generateVirtualKey();
  const bad = [
    '', 'odk_', k.slice(0, -1), k + 'A', ` ${k}`, `${k}\n`, k.replace('odk_', 'ODK_'), k.replace('odk_', 'sk-_'), 'sk-' + k.slice(4),
    'odk_' + 'A'.repeat(10_000), k + 'x'.repeat(10 * 1024),
    // Non-ASCII look-alikes: Cyrillic а, full-width digit, é, an emoji (two UTF-16 units).
    k.slice(0, 10) + '\u0430' + k.slice(11), k.slice(0, 10) + '\uff11' + k.slice(11), k.slice(0, 10) + 'é' + k.slice(11), k.slice(0, 9) + '😀' + k.slice(11),
    k.slice(0, 10) + '\u0000' + k.slice(11), "odk_' OR '1'='1", 'odk_%00%27--',
  ];
  for (const b of bad) assert.equal(isWellFormedKey(b), false, JSON.stringify(b.slice(0, 60)));
});

test('only the SHA-256 hex is derived for storage, and the mask shows the last four characters only', () => {
  const k = generateVirtualKey();
  assert.equal(hashKey(k), createHash('sha256').update(k).digest('hex'));
  const masked = maskKey(k.slice(-4));
  assert.ok(masked.startsWith('odk_'));
  assert.ok(masked.endsWith(k.slice(-4)));
  assert.ok(!masked.includes(k.slice(4, 12)));
});
