import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openTempStore, type TempStore } from '../../store/testing/temp-store.ts';
import { apiKeyRepo } from '../../store/repos/api-key.repo.ts';
import { modelRepo } from '../../store/repos/model.repo.ts';
import { providerRepo } from '../../store/repos/provider.repo.ts';
import { providerKeyRepo } from '../../store/repos/provider-key.repo.ts';
import { createPolicyEngine } from '../../policy/index.ts';
import { createApiKeyService } from '../api-keys/api-keys.service.ts';
import { createProviderService } from '../providers/providers.service.ts';
import { createModelService } from '../models/models.service.ts';
import { CATALOG } from '../catalog/catalog.data.ts';
import { recordInvalidations, refusal, testVault } from '../shared/service-testing.ts';
import { createPolicyExplainService } from './policy-explain.service.ts';

describe('policy explain service', () => {
  let t: TempStore;
  before(async () => {
    t = await openTempStore();
  });
  after(() => t.close());

  it("applies the key's and the model's policies, and names the one that would refuse; other organisations' records do not exist", async () => {
    const { db } = t.store;
    const deps = { vault: testVault(), invalidate: recordInvalidations().invalidate, providers: providerRepo(db), providerKeys: providerKeyRepo(db) };
    const orgId = await t.seedOrganisation();
    const key = await createApiKeyService({ ...deps, apiKeys: apiKeyRepo(db) }).create(orgId, 'op', {
      type: 'ORGANISATION', policies: { ratelimit: { payload: { max_tokens: 100 } } },
    });
    const provider = await createProviderService({ ...deps, allowPrivateUpstreams: false }).activate(orgId, 'admin', { type: 'OPENAI' });
    const modelService = createModelService({ ...deps, models: modelRepo(db), catalog: CATALOG });
    const model = await modelService.create(orgId, { name: 'm', slug: 'm', providerId: provider.id, type: 'chat', policies: { ip: { blocklist: ['10.0.0.0/8'] } } });

    const explainer = createPolicyExplainService({ apiKeys: apiKeyRepo(db), models: modelRepo(db), policy: createPolicyEngine({}) });
    const within = await explainer.explain(orgId, key.id, { maxTokens: 50 });
    assert.equal(within.would_refuse, null);
    const over = await explainer.explain(orgId, key.id, { maxTokens: 500 });
    assert.equal(over.would_refuse?.scope, 'key');
    const blocked = await explainer.explain(orgId, key.id, { modelId: model.id, clientIp: '10.1.2.3' });
    assert.equal(blocked.would_refuse?.scope, 'model');

    const other = await t.seedOrganisation();
    assert.equal((await refusal(() => explainer.explain(other, key.id, {}))).code, 'not_found');
    const otherKey = await createApiKeyService({ ...deps, apiKeys: apiKeyRepo(db) }).create(other, 'op', { type: 'ORGANISATION' });
    const r = await refusal(() => explainer.explain(other, otherKey.id, { modelId: model.id }));
    assert.deepEqual([r.code, r.field], ['invalid_request', 'modelId']);
  });
});
