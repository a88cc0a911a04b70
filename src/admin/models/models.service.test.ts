import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openTempStore, type TempStore } from '../../store/testing/temp-store.ts';
import { modelRepo } from '../../store/repos/model.repo.ts';
import { providerRepo } from '../../store/repos/provider.repo.ts';
import { providerKeyRepo } from '../../store/repos/provider-key.repo.ts';
import { createProviderService } from '../providers/providers.service.ts';
import { CATALOG } from '../catalog/catalog.data.ts';
import { recordInvalidations, refusal, testVault } from '../shared/service-testing.ts';
import { createModelService } from './models.service.ts';

describe('model service', () => {
  let t: TempStore;
  const rec = recordInvalidations();
  let models: ReturnType<typeof createModelService>;
  let providers: ReturnType<typeof createProviderService>;
  before(async () => {
    t = await openTempStore();
    const { db } = t.store;
    const deps = { providers: providerRepo(db), providerKeys: providerKeyRepo(db), invalidate: rec.invalidate };
    providers = createProviderService({ ...deps, vault: testVault(), allowPrivateUpstreams: false });
    models = createModelService({ ...deps, models: modelRepo(db), catalog: CATALOG });
  });
  after(() => t.close());

  const withProvider = async () => {
    const orgId = await t.seedOrganisation();
    const provider = await providers.activate(orgId, 'admin', { type: 'OPENAI' });
    const key = await providers.addKey(orgId, provider.id, { name: 'Primary', key: 'sk-abc' });
    return { orgId, provider, key };
  };

  it("a model names a provider and key of its own organisation, never another's", async () => {
    const a = await withProvider();
    const b = await withProvider();
    const r1 = await refusal(() => models.create(a.orgId, { name: 'm', slug: 'm', providerId: b.provider.id, type: 'chat' }));
    assert.deepEqual([r1.code, r1.field], ['invalid_request', 'providerId']);
    const r2 = await refusal(() => models.create(a.orgId, { name: 'm', slug: 'm', providerId: a.provider.id, providerApiKeyId: b.key.id, type: 'chat' }));
    assert.deepEqual([r2.code, r2.field], ['invalid_request', 'providerApiKeyId']);
    rec.events.length = 0;
    const m = await models.create(a.orgId, { name: 'm', slug: 'm', providerId: a.provider.id, providerApiKeyId: a.key.id, type: 'chat' });
    assert.equal(m.provider_api_key_id, a.key.id);
    assert.deepEqual(rec.events, [{ kind: 'org', orgId: a.orgId }]);
  });

  it('model names are unique per organisation (409 naming the field)', async () => {
    const a = await withProvider();
    await models.create(a.orgId, { name: 'same', slug: 's1', providerId: a.provider.id, type: 'chat' });
    const r = await refusal(() => models.create(a.orgId, { name: 'same', slug: 's2', providerId: a.provider.id, type: 'chat' }));
    assert.deepEqual([r.code, r.field], ['conflict', 'name']);
    const b = await withProvider();
    await models.create(b.orgId, { name: 'same', slug: 's1', providerId: b.provider.id, type: 'chat' });
  });

  it('batch create from the catalog is all or nothing', async () => {
    const a = await withProvider();
    const known = CATALOG.filter((c) => c.providerType === 'OPENAI').slice(0, 2).map((c) => c.slug);
    const r = await refusal(() => models.createFromCatalog(a.orgId, { providerId: a.provider.id, providerApiKeyId: a.key.id, slugs: [...known, 'not-in-the-catalog'] }));
    assert.deepEqual([r.code, r.field], ['invalid_request', 'slugs']);
    assert.equal((await models.list(a.orgId, {}, { limit: 50 })).length, 0);
    await models.create(a.orgId, { name: known[1], slug: known[1], providerId: a.provider.id, type: 'chat' });
    const c = await refusal(() => models.createFromCatalog(a.orgId, { providerId: a.provider.id, providerApiKeyId: a.key.id, slugs: known }));
    assert.deepEqual([c.code, c.field], ['conflict', 'slugs']);
    assert.equal((await models.list(a.orgId, {}, { limit: 50 })).length, 1, 'nothing of the failed batch was written');
    const rows = await models.createFromCatalog(a.orgId, { providerId: a.provider.id, providerApiKeyId: a.key.id, slugs: [known[0], known[0]] });
    assert.equal(rows.length, 1);
    assert.deepEqual(JSON.parse(rows[0].pricing), CATALOG.find((x) => x.slug === known[0])!.pricing);
  });
});
