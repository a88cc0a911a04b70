import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { verifyIdToken, type Jwk } from './id-token.ts';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const NOW = 1_800_000_000;
const WANT = { issuer: 'https://id.example', clientId: 'odock', nonce: 'n-1', now: NOW };
const CLAIMS = { iss: WANT.issuer, sub: 'u1', aud: 'odock', iat: NOW - 5, exp: NOW + 300, nonce: 'n-1' };

function signer(kind: 'rsa' | 'ec', kid = `k-${kind}`) {
  const { privateKey, publicKey } = kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const alg = kind === 'rsa' ? 'RS256' : 'ES256';
  const jwk: Jwk = { ...(publicKey as KeyObject).export({ format: 'jwk' }), kid, alg };
  const token = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) => {
    const head = `${b64({ alg, kid: jwk.kid, ...header })}.${b64(claims)}`;
    return `${head}.${sign('sha256', Buffer.from(head), kind === 'ec' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey).toString('base64url')}`;
  };
  return { jwk, token };
}

const refused = (why: RegExp) => (e: unknown) => (e as { code?: string }).code === 'sso_failed' && why.test((e as Error).message);

test('RS256 and ES256 ID tokens verify against the JWKS, and their claims are answered', async () => {
  for (const kind of ['rsa', 'ec'] as const) {
    const s = signer(kind);
    const c = await verifyIdToken(s.token(CLAIMS), async () => [s.jwk], WANT);
    assert.equal(c.sub, 'u1');
  }
});

test('refused: alg none, HS256, a foreign key, a flipped payload, wrong iss/aud/azp, expired, future iat, wrong nonce', async () => {
  const s = signer('rsa');
  const other = signer('rsa');
  const keys = async () => [s.jwk];
  const good = s.token(CLAIMS);
  const [h, , sig] = good.split('.');
  await assert.rejects(verifyIdToken(`${b64({ alg: 'none' })}.${b64(CLAIMS)}.`, keys, WANT), refused(/algorithm/));
  await assert.rejects(verifyIdToken(`${b64({ alg: 'HS256' })}.${b64(CLAIMS)}.${sig}`, keys, WANT), refused(/algorithm/));
  await assert.rejects(verifyIdToken(other.token(CLAIMS, { kid: s.jwk.kid }), keys, WANT), refused(/signature/));
  await assert.rejects(verifyIdToken(`${h}.${b64({ ...CLAIMS, sub: 'admin' })}.${sig}`, keys, WANT), refused(/signature/));
  await assert.rejects(verifyIdToken(s.token({ ...CLAIMS, iss: 'https://evil.example' }), keys, WANT), refused(/issuer/));
  await assert.rejects(verifyIdToken(s.token({ ...CLAIMS, aud: 'someone-else' }), keys, WANT), refused(/another client/));
  await assert.rejects(verifyIdToken(s.token({ ...CLAIMS, aud: ['odock', 'x'], azp: 'x' }), keys, WANT), refused(/authorised party/));
  await assert.rejects(verifyIdToken(s.token({ ...CLAIMS, exp: NOW - 61 }), keys, WANT), refused(/expired/));
  await assert.rejects(verifyIdToken(s.token({ ...CLAIMS, iat: NOW + 600 }), keys, WANT), refused(/future/));
  await assert.rejects(verifyIdToken(s.token({ ...CLAIMS, nonce: 'n-2' }), keys, WANT), refused(/nonce/));
  await assert.rejects(verifyIdToken(s.token({ ...CLAIMS, nonce: undefined }), keys, WANT), refused(/nonce/));
});

test('a rotated key is fetched once more by kid before the token is refused', async () => {
  const old = signer('rsa');
  const rotated = signer('rsa', 'k-rotated');
  const calls: boolean[] = [];
  const keys = async (refresh: boolean) => {
    calls.push(refresh);
    return refresh ? [old.jwk, rotated.jwk] : [old.jwk];
  };
  assert.equal((await verifyIdToken(rotated.token(CLAIMS), keys, WANT)).sub, 'u1');
  assert.deepEqual(calls, [false, true]);
});
