import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openTempStore, type TempStore } from '../../store/testing/temp-store.ts';
import { apiKeyRepo } from '../../store/repos/api-key.repo.ts';
import { hashKey } from '../../auth/key-format.ts';
import { recordInvalidations, refusal, testVault } from '../shared/service-testing.ts';
import { createApiKeyService } from './api-keys.service.ts';

describe('API key service', () => {
  let t: TempStore;
  const rec = recordInvalidations();
  let keys: ReturnType<typeof createApiKeyService>;
  before(async () => {
    t = await openTempStore();
    keys = createApiKeyService({ apiKeys: apiKeyRepo(t.store.db), vault: testVault(), invalidate: rec.invalidate });
  });
  after(() => t.close());

  it('owner rules: a TEAM key needs a team of its own organisation, a USER key a user of it', async () => {
    const orgId = await t.seedOrganisation();
    const other = await t.seedOrganisation();
    const foreignTeam = await t.seedTeam(other);
    const foreignUser = await t.seedUser(other);
    const r1 = await refusal(() => keys.create(orgId, 'op', { type: 'TEAM' }));
    assert.deepEqual([r1.code, r1.field], ['invalid_request', 'teamId']);
    const r2 = await refusal(() => keys.create(orgId, 'op', { type: 'TEAM', teamId: foreignTeam }));
    assert.deepEqual([r2.code, r2.field], ['invalid_request', 'teamId']);
    const r3 = await refusal(() => keys.create(orgId, 'op', { type: 'USER', userId: foreignUser }));
    assert.deepEqual([r3.code, r3.field], ['invalid_request', 'userId']);
    const ownTeam = await t.seedTeam(orgId);
    const r4 = await refusal(() => keys.create(orgId, 'op', { type: 'ORGANISATION', teamId: ownTeam }));
    assert.deepEqual([r4.code, r4.field], ['invalid_request', 'teamId']);
    const ok = await keys.create(orgId, 'op', { type: 'USER', userId: await t.seedUser(orgId) });
    assert.equal(ok.type, 'USER');
  });

  it('names are unique per organisation, in any case: 409 api_key_name_taken on create and rename; another organisation may reuse one', async () => {
    const orgId = await t.seedOrganisation();
    const other = await t.seedOrganisation();
    const first = await keys.create(orgId, 'op', { type: 'ORGANISATION', name: 'Checkout' });
    const dup = await refusal(() => keys.create(orgId, 'op', { type: 'ORGANISATION', name: 'checkout' }));
    assert.deepEqual([dup.code, dup.field], ['api_key_name_taken', 'name']);
    await keys.create(other, 'op', { type: 'ORGANISATION', name: 'Checkout' });
    const second = await keys.create(orgId, 'op', { type: 'ORGANISATION', name: 'Billing' });
    const rename = await refusal(() => keys.update(orgId, second.id, { name: 'CHECKOUT' }));
    assert.equal(rename.code, 'api_key_name_taken');
    // Saving a key under its own name is not a clash.
    assert.equal((await keys.update(orgId, first.id, { name: 'Checkout' })).name, 'Checkout');
  });

  it('a key is revealed once: the second reveal, even a concurrent one, gets only the masked key', async () => {
    const orgId = await t.seedOrganisation();
    const k = await keys.create(orgId, 'op', { type: 'ORGANISATION' });
    const results = await Promise.allSettled([keys.reveal(orgId, k.id), keys.reveal(orgId, k.id)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    const { key } = (won[0] as PromiseFulfilledResult<{ key: string }>).value;
    assert.equal(hashKey(key), k.key_hash);
    assert.equal((await refusal(() => keys.reveal(orgId, k.id))).code, 'api_key_already_revealed');
    const stored = await keys.get(orgId, k.id);
    assert.equal(stored.pending_secret, null, 'the secret is erased once revealed');
  });

  it('rotation gives a new secret, records the old masked key, and drops both hashes from the caches', async () => {
    const orgId = await t.seedOrganisation();
    const k = await keys.create(orgId, 'op', { type: 'ORGANISATION' });
    rec.events.length = 0;
    const rotated = await keys.rotate(orgId, k.id, 'admin@example.test', {});
    assert.notEqual(rotated.key_hash, k.key_hash);
    assert.equal(rotated.revealed, 0);
    const history = await keys.rotations(orgId, k.id);
    assert.equal(history.length, 1);
    assert.equal(history[0].rotated_by, 'admin@example.test');
    assert.deepEqual(rec.events, [{ kind: 'hash', hash: k.key_hash }, { kind: 'hash', hash: rotated.key_hash }, { kind: 'org', orgId }]);
  });

  it('a revoked key cannot be rotated; revoking drops its hash from the caches', async () => {
    const orgId = await t.seedOrganisation();
    const k = await keys.create(orgId, 'op', { type: 'ORGANISATION' });
    rec.events.length = 0;
    assert.equal((await keys.setRevoked(orgId, k.id, true)).revoked, 1);
    assert.deepEqual(rec.events[0], { kind: 'hash', hash: k.key_hash });
    assert.equal((await refusal(() => keys.rotate(orgId, k.id, 'x', {}))).code, 'conflict');
  });

  it('expiry must lie ahead and the timezone must exist', async () => {
    const orgId = await t.seedOrganisation();
    assert.equal((await refusal(() => keys.create(orgId, 'op', { type: 'ORGANISATION', expiry: '2001-01-01T00:00' }))).code, 'invalid_request');
    assert.equal((await refusal(() => keys.create(orgId, 'op', { type: 'ORGANISATION', timezone: 'Mars/Olympus' }))).code, 'invalid_request');
    const k = await keys.create(orgId, 'op', { type: 'ORGANISATION', expiry: '2999-06-01T12:00', timezone: 'Europe/Paris' });
    assert.equal(k.expiry, '2999-06-01T10:00:00.000Z');
  });

  it("another organisation's key does not exist from here", async () => {
    const orgId = await t.seedOrganisation();
    const k = await keys.create(await t.seedOrganisation(), 'op', { type: 'ORGANISATION' });
    for (const call of [() => keys.get(orgId, k.id), () => keys.reveal(orgId, k.id), () => keys.remove(orgId, k.id), () => keys.update(orgId, k.id, { name: 'x' })]) {
      assert.equal((await refusal(call)).code, 'not_found');
    }
  });
});
