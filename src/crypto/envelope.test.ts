import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecryptionError, Vault, generateMasterKeyText, parseMasterKey, type SecretContext } from './envelope.ts';

const master = parseMasterKey(generateMasterKeyText());
const vault = new Vault(master);
const ctx: SecretContext = { organisationId: 'org-a', recordId: 'key-1', purpose: 'provider_key' };
const SECRET = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';

/** The generic failure every tampering must produce: no detail about which part was wrong. */
function assertFailsClosed(fn: () => unknown) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DecryptionError);
    assert.equal((e as Error).message, 'stored secret could not be decrypted');
    assert.ok(!(e as Error).message.includes(SECRET));
    return true;
  });
}

test('a secret round-trips and the stored form holds neither the secret nor the master key', () => {
  const stored = vault.encrypt(SECRET, ctx);
  assert.equal(vault.decrypt(stored, ctx), SECRET);
  assert.ok(!stored.includes(SECRET));
  assert.ok(!stored.includes(Buffer.from(SECRET).toString('base64url')));
  assert.ok(stored.startsWith(`v1.${master.id}.`), 'the master key id is stored for rotation');
  // A fresh data key and IV each time: equal secrets do not give equal ciphertexts.
  assert.notEqual(vault.encrypt(SECRET, ctx), stored);
});

test('ciphertext moved to another record, organisation or purpose does not decrypt', () => {
  const stored = vault.encrypt(SECRET, ctx);
  assertFailsClosed(() => vault.decrypt(stored, { ...ctx, recordId: 'key-2' }));
  assertFailsClosed(() => vault.decrypt(stored, { ...ctx, organisationId: 'org-b' }));
  assertFailsClosed(() => vault.decrypt(stored, { ...ctx, purpose: 'mcp_auth' }));
});

test('a flipped byte anywhere fails closed with a generic error', () => {
  const stored = vault.encrypt(SECRET, ctx);
  const [v, kid, wrapped, body] = stored.split('.');
  for (const [name, part] of [['wrapped data key', wrapped], ['sealed secret', body]] as const) {
    const raw = Buffer.from(part, 'base64url');
    // First byte (IV), a middle byte (ciphertext) and the last byte (tag).
    for (const i of [0, raw.length >> 1, raw.length - 1]) {
      const flipped = Buffer.from(raw);
      flipped[i] ^= 0x01;
      const parts = [v, kid, wrapped, body];
      parts[name === 'wrapped data key' ? 2 : 3] = flipped.toString('base64url');
      assertFailsClosed(() => vault.decrypt(parts.join('.'), ctx));
    }
  }
  assertFailsClosed(() => vault.decrypt(stored.slice(0, -10), ctx));
  assertFailsClosed(() => vault.decrypt('', ctx));
  assertFailsClosed(() => vault.decrypt('v2' + stored.slice(2), ctx));
});

test('another master key cannot decrypt', () => {
  const stored = vault.encrypt(SECRET, ctx);
  const other = new Vault(parseMasterKey(generateMasterKeyText()));
  assertFailsClosed(() => other.decrypt(stored, ctx));
  // Even with the id forged to match, the wrapped data key does not open.
  const forged = stored.replace(`v1.${master.id}.`, `v1.${other.keyId}.`);
  assertFailsClosed(() => other.decrypt(forged, ctx));
});

test('rewrap moves a secret under the new master key and leaves it unreadable under the old one', () => {
  const stored = vault.encrypt(SECRET, ctx);
  const next = parseMasterKey(generateMasterKeyText());
  const rewrapped = vault.rewrap(stored, next);
  assert.ok(rewrapped.startsWith(`v1.${next.id}.`));
  assert.equal(new Vault(next).decrypt(rewrapped, ctx), SECRET);
  assertFailsClosed(() => vault.decrypt(rewrapped, ctx));
  // The binding to the record survives re-wrapping.
  assertFailsClosed(() => new Vault(next).decrypt(rewrapped, { ...ctx, recordId: 'key-2' }));
});

test('master keys are 32 bytes given as hex or base64; anything else is refused', () => {
  const hex = 'ab'.repeat(32);
  assert.equal(parseMasterKey(hex).key.length, 32);
  assert.equal(parseMasterKey(Buffer.alloc(32, 7).toString('base64')).key.length, 32);
  assert.equal(parseMasterKey(Buffer.alloc(32, 7).toString('base64url')).key.length, 32);
  assert.equal(parseMasterKey(` ${hex}\n`).id, parseMasterKey(hex).id, 'surrounding whitespace (a key file) is ignored');
  for (const bad of ['', 'short', 'ab'.repeat(31), Buffer.alloc(16).toString('base64'), Buffer.alloc(33).toString('base64')]) {
    assert.throws(() => parseMasterKey(bad), /32 bytes/);
  }
});
