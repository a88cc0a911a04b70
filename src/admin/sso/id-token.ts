import { createPublicKey, verify as verifySignature, type JsonWebKey, type KeyObject } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';

/** ID token claims Odock reads (OpenID Connect Core §2). */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  azp?: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
  [claim: string]: unknown;
}

export interface Jwk extends JsonWebKey { kid?: string; alg?: string; use?: string }

/** Algorithms accepted: the two every OpenID provider offers; never `none`, never HMAC with a public key. */
const ALGS: Record<string, { hash: string; kty: string; dsaEncoding?: 'ieee-p1363' }> = {
  RS256: { hash: 'sha256', kty: 'RSA' },
  ES256: { hash: 'sha256', kty: 'EC', dsaEncoding: 'ieee-p1363' },
};

/** Clock skew tolerated on `exp` and `iat`, seconds. */
const SKEW = 60;

const fail = (why: string) => new GatewayError('sso_failed', `The sign-in was refused: ${why}`);

function decodePart(part: string | undefined, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* below */ }
  throw fail(`the ID token's ${what} is not valid`);
}

export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  nonce: string;
  now?: number;
}

/**
 * Verifies an ID token (OpenID Connect Core §3.1.3.7): the signature with a key of the provider's
 * JWKS (found by `kid`; `keys(true)` refetches once for a rotated key), then iss, aud (and azp
 * when several audiences), exp, iat and the nonce this sign-in sent.
 */
export async function verifyIdToken(token: string, keys: (refresh: boolean) => Promise<Jwk[]>, want: IdTokenExpectations): Promise<IdTokenClaims> {
  const parts = token.split('.');
  if (parts.length !== 3) throw fail('the ID token is not a signed JWT');
  const header = decodePart(parts[0], 'header');
  const alg = typeof header.alg === 'string' ? ALGS[header.alg] : undefined;
  if (!alg) throw fail(`the ID token is signed with an unsupported algorithm (${String(header.alg)})`);
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const pick = (list: Jwk[]) => list.filter((k) => k.kty === alg.kty && (k.use === undefined || k.use === 'sig') && (kid === undefined || k.kid === kid));
  let candidates = pick(await keys(false));
  if (candidates.length === 0) candidates = pick(await keys(true));
  if (candidates.length === 0) throw fail('no key of the provider matches the ID token');
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2]!, 'base64url');
  const ok = candidates.some((jwk) => {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk, format: 'jwk' });
    } catch {
      return false;
    }
    return verifySignature(alg.hash, signed, alg.dsaEncoding ? { key, dsaEncoding: alg.dsaEncoding } : key, signature);
  });
  if (!ok) throw fail('the ID token signature does not verify');

  const c = decodePart(parts[1], 'payload') as IdTokenClaims;
  const now = want.now ?? Math.floor(Date.now() / 1000);
  if (c.iss !== want.issuer) throw fail('the ID token comes from another issuer');
  const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (!aud.includes(want.clientId)) throw fail('the ID token is meant for another client');
  if (aud.length > 1 && c.azp !== want.clientId) throw fail('the ID token names another authorised party');
  if (typeof c.exp !== 'number' || c.exp + SKEW <= now) throw fail('the ID token has expired');
  if (typeof c.iat !== 'number' || c.iat - SKEW > now) throw fail('the ID token is issued in the future');
  if (typeof c.sub !== 'string' || c.sub.length === 0 || c.sub.length > 255) throw fail('the ID token has no subject');
  if (c.nonce !== want.nonce) throw fail('the ID token nonce does not match this sign-in');
  return c;
}
