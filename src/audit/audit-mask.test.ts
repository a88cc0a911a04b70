import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MASKED, maskSecrets } from './audit-mask.ts';

describe('maskSecrets', () => {
  it('masks secret-named fields and secret-shaped strings, keeps ids and token counts', () => {
    const vk = 'odk_' + 'A'.repeat(40);
    const out = maskSecrets({
      id: 'k1', key: vk, keyLast4: 'AAAA', providerApiKeyId: 'pk1', token: 'odt_xyzxyzxyzxyz', password: 'hunter2',
      webhookSecret: 'whsec', clientSecret: 'cs', keyHash: 'abc', env_ciphertext: 'ct', pending_secret: 'p',
      policies: { maxOutputTokens: 100, limits: [{ tokensPerMinute: 5 }] },
      url: 'https://odock.example/accept-invitation#token=odi_abcdefghijkl', note: `uses sk-${'z'.repeat(20)}`,
      headers: { authorization: 'Bearer x' }, empty: null,
    }) as Record<string, any>;
    for (const k of ['key', 'token', 'password', 'webhookSecret', 'clientSecret', 'keyHash', 'env_ciphertext', 'pending_secret', 'headers']) assert.equal(out[k], MASKED, k);
    assert.equal(out.id, 'k1');
    assert.equal(out.keyLast4, 'AAAA');
    assert.equal(out.providerApiKeyId, 'pk1');
    assert.deepEqual(out.policies, { maxOutputTokens: 100, limits: [{ tokensPerMinute: 5 }] });
    assert.equal(out.url, `https://odock.example/accept-invitation#token=odi_${MASKED}`);
    assert.equal(out.note, `uses sk-z${MASKED}`);
    assert.equal(out.empty, null);
    assert.ok(!JSON.stringify(out).includes('A'.repeat(10)));
  });
});
