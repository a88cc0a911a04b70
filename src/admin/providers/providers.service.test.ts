import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openTempStore, type TempStore } from '../../store/testing/temp-store.ts';
import { providerRepo } from '../../store/repos/provider.repo.ts';
import { providerKeyRepo } from '../../store/repos/provider-key.repo.ts';
import { recordInvalidations, refusal, testVault } from '../shared/service-testing.ts';
import { createProviderService } from './providers.service.ts';

describe('provider service', () => {
  let t: TempStore;
  const vault = testVault();
  const rec = recordInvalidations();
  let providers: ReturnType<typeof createProviderService>;
  before(async () => {
    t = await openTempStore();
    const { db } = t.store;
    providers = createProviderService({ providers: providerRepo(db), providerKeys: providerKeyRepo(db), vault, invalidate: rec.invalidate, allowPrivateUpstreams: false });
  });
  after(() => t.close());

  it('only an admin chooses where a provider key is sent; an unchanged baseUrl is fine for a manager', async () => {
    const orgId = await t.seedOrganisation();
    const r = await refusal(() => providers.activate(orgId, 'manager', { type: 'OPENAI', baseUrl: 'https://attacker.example/v1' }));
    assert.deepEqual([r.code, r.field], ['forbidden', 'baseUrl']);
    const p = await providers.activate(orgId, 'manager', { type: 'OPENAI' });
    assert.equal((await providers.update(orgId, 'manager', p.id, { baseUrl: p.base_url, name: 'Renamed' })).name, 'Renamed');
    const m = await refusal(() => providers.update(orgId, 'manager', p.id, { baseUrl: 'https://attacker.example/v1' }));
    assert.deepEqual([m.code, m.field], ['forbidden', 'baseUrl']);
    assert.equal((await providers.update(orgId, 'admin', p.id, { baseUrl: 'https://proxy.example/v1' })).base_url, 'https://proxy.example/v1');
  });

  it('a private base URL is refused unless the deployment allows private upstreams', async () => {
    const orgId = await t.seedOrganisation();
    const r = await refusal(() => providers.activate(orgId, 'admin', { type: 'OPENAI', baseUrl: 'http://169.254.169.254/v1' }));
    assert.deepEqual([r.code, r.field], ['invalid_request', 'baseUrl']);
  });

  it('one provider per type per organisation', async () => {
    const orgId = await t.seedOrganisation();
    await providers.activate(orgId, 'admin', { type: 'ANTHROPIC' });
    assert.equal((await refusal(() => providers.activate(orgId, 'admin', { type: 'ANTHROPIC' }))).code, 'conflict');
    const types = await providers.listTypes(orgId);
    assert.equal(types.filter((x) => x.provider).length, 1);
  });

  it('a provider key is stored encrypted, bound to its record, and only its last four characters are kept in clear', async () => {
    const orgId = await t.seedOrganisation();
    const p = await providers.activate(orgId, 'admin', { type: 'OPENAI' });
    const secret = 'sk-test-0123456789abcdef';
    const k = await providers.addKey(orgId, p.id, { name: 'Primary', key: secret });
    assert.ok(!k.ciphertext.includes(secret));
    assert.equal(k.key_preview, 'cdef');
    assert.equal(vault.decrypt(k.ciphertext, { organisationId: orgId, recordId: k.id, purpose: 'provider_key' }), secret);
    assert.throws(() => vault.decrypt(k.ciphertext, { organisationId: orgId, recordId: 'another-record', purpose: 'provider_key' }));
    assert.equal((await refusal(() => providers.addKey(orgId, p.id, { name: 'Primary', key: 'x' }))).code, 'conflict');
  });

  it('revoking a key reloads the routing table; another organisation cannot touch it', async () => {
    const orgId = await t.seedOrganisation();
    const other = await t.seedOrganisation();
    const p = await providers.activate(orgId, 'admin', { type: 'OPENAI' });
    const k = await providers.addKey(orgId, p.id, { name: 'Primary', key: 'sk-abc' });
    assert.equal((await refusal(() => providers.revokeKey(other, p.id, k.id))).code, 'not_found');
    rec.events.length = 0;
    assert.equal((await providers.revokeKey(orgId, p.id, k.id)).revoked, 1);
    assert.deepEqual(rec.events, [{ kind: 'org', orgId }]);
  });
});
