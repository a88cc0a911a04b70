import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sha256Hex } from '../../crypto/tokens.ts';
import { nowIso } from '../../store/db.ts';
import { addMember, addOperator, addOrg, gatewayError, openIdentityStore, type IdentityStore } from '../testing/identity-store.ts';
import { createOperatorTokenService } from './operator-tokens.service.ts';

describe('operator token service', () => {
  let s: IdentityStore;
  let tokens: ReturnType<typeof createOperatorTokenService>;
  before(async () => {
    s = await openIdentityStore();
    tokens = createOperatorTokenService({ operatorTokens: s.repos.operatorTokens, ttlDays: 90 });
  });
  after(() => s.close());

  it('hands the token out once and keeps only its hash; the token resolves its operator until it expires', async () => {
    const ann = await addOperator(s, 'ann@example.test');
    const { row, token } = await tokens.create(ann.id, { name: 'ci', expiresInDays: 7 });
    assert.match(token, /^odt_/);
    assert.equal(row.token_hash, sha256Hex(token));
    assert.equal(row.preview, token.slice(-4));
    const days = (Date.parse(row.expires_at) - Date.parse(row.created_at)) / 86_400_000;
    assert.equal(Math.round(days), 7);
    assert.equal((await s.repos.operatorTokens.findLiveOperator(sha256Hex(token), nowIso()))?.id, ann.id);
    assert.equal(await s.repos.operatorTokens.findLiveOperator(sha256Hex(token), row.expires_at), undefined);
    const { row: defaulted } = await tokens.create(ann.id, { name: 'default' });
    assert.equal(Math.round((Date.parse(defaulted.expires_at) - Date.parse(defaulted.created_at)) / 86_400_000), 90);
  });

  it("lists and deletes one's own tokens only", async () => {
    const bob = await addOperator(s, 'bob@example.test');
    const cat = await addOperator(s, 'cat@example.test');
    const { row } = await tokens.create(bob.id, { name: 'mine' });
    assert.deepEqual((await tokens.listOwn(bob.id, { limit: 50 })).map((r) => r.id), [row.id]);
    assert.deepEqual(await tokens.listOwn(cat.id, { limit: 50 }), []);
    await assert.rejects(tokens.deleteOwn(cat.id, row.id), gatewayError('not_found'));
    await tokens.deleteOwn(bob.id, row.id);
    assert.deepEqual(await tokens.listOwn(bob.id, { limit: 50 }), []);
  });

  it("an organisation's admins see and end its members' tokens only, with their owner", async () => {
    const org = await addOrg(s, 'Acme');
    const other = await addOrg(s, 'Other');
    const dan = await addOperator(s, 'dan@example.test');
    const eve = await addOperator(s, 'eve@example.test');
    await addMember(s, org, 'dan@example.test', 'member', dan.id);
    await addMember(s, other, 'eve@example.test', 'member', eve.id);
    // A member record with the email of a login, but not linked to it, does not make its tokens the organisation's.
    await addMember(s, org, 'eve@example.test', 'member');
    const { row: dans } = await tokens.create(dan.id, { name: 'dan script' });
    const { row: eves } = await tokens.create(eve.id, { name: 'eve script' });
    const listed = await tokens.listOfOrganisation(org, { limit: 50 });
    assert.deepEqual(listed.map((r) => [r.id, r.owner_email]), [[dans.id, 'dan@example.test']]);
    await assert.rejects(tokens.deleteInOrganisation(org, eves.id), gatewayError('not_found'));
    await tokens.deleteInOrganisation(org, dans.id);
    assert.deepEqual(await tokens.listOfOrganisation(org, { limit: 50 }), []);
    assert.equal((await tokens.listOwn(eve.id, { limit: 50 })).length, 1);
  });
});
