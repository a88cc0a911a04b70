import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openTempStore, type TempStore } from '../../store/testing/temp-store.ts';
import { deploymentRepo } from '../../store/repos/deployment.repo.ts';
import { modelRepo } from '../../store/repos/model.repo.ts';
import { providerRepo } from '../../store/repos/provider.repo.ts';
import { providerKeyRepo } from '../../store/repos/provider-key.repo.ts';
import { grantRepo } from '../../store/repos/grant.repo.ts';
import { routingRuleRepo } from '../../store/repos/routing-rule.repo.ts';
import { MemoryCooldownStore } from '../../routing/cooldown-store.ts';
import { createProviderService } from '../providers/providers.service.ts';
import { createModelService } from '../models/models.service.ts';
import { CATALOG } from '../catalog/catalog.data.ts';
import { recordInvalidations, refusal, testVault } from '../shared/service-testing.ts';
import { createRoutingRuleService } from '../routing-rules/routing-rules.service.ts';
import { createDeploymentService } from './deployments.service.ts';

describe('deployment and routing-rule services', () => {
  let t: TempStore;
  const rec = recordInvalidations();
  const cooldowns = new MemoryCooldownStore();
  let deployments: ReturnType<typeof createDeploymentService>;
  let rules: ReturnType<typeof createRoutingRuleService>;
  let providers: ReturnType<typeof createProviderService>;
  let models: ReturnType<typeof createModelService>;
  before(async () => {
    t = await openTempStore();
    const { db } = t.store;
    const deps = { providers: providerRepo(db), providerKeys: providerKeyRepo(db), invalidate: rec.invalidate };
    providers = createProviderService({ ...deps, vault: testVault(), allowPrivateUpstreams: false });
    models = createModelService({ ...deps, models: modelRepo(db), catalog: CATALOG });
    deployments = createDeploymentService({ ...deps, deployments: deploymentRepo(db), models: modelRepo(db), cooldowns });
    rules = createRoutingRuleService({ rules: routingRuleRepo(db), grants: grantRepo(db), invalidate: rec.invalidate });
  });
  after(() => t.close());

  const org = async () => {
    const orgId = await t.seedOrganisation();
    const provider = await providers.activate(orgId, 'admin', { type: 'OPENAI' });
    const key = await providers.addKey(orgId, provider.id, { name: 'Primary', key: 'sk-abc' });
    const model = await models.create(orgId, { name: 'm', slug: 'm', providerId: provider.id, providerApiKeyId: key.id, type: 'chat' });
    return { orgId, provider, key, model };
  };

  it("a deployment names a provider and key of its own organisation, and every change reloads the organisation's routes", async () => {
    const a = await org();
    const b = await org();
    const r1 = await refusal(() => deployments.create(a.orgId, a.model.id, { providerId: b.provider.id, providerApiKeyId: b.key.id, slug: 's' }));
    assert.deepEqual([r1.code, r1.field], ['invalid_request', 'providerId']);
    const r2 = await refusal(() => deployments.create(a.orgId, a.model.id, { providerId: a.provider.id, providerApiKeyId: b.key.id, slug: 's' }));
    assert.deepEqual([r2.code, r2.field], ['invalid_request', 'providerApiKeyId']);
    assert.equal((await refusal(() => deployments.create(a.orgId, b.model.id, { providerId: a.provider.id, providerApiKeyId: a.key.id, slug: 's' }))).code, 'not_found');

    rec.events.length = 0;
    const d = await deployments.create(a.orgId, a.model.id, { providerId: a.provider.id, providerApiKeyId: a.key.id, slug: 's' });
    assert.equal(d.weight, 1);
    assert.deepEqual(rec.events, [{ kind: 'org', orgId: a.orgId }]);
    assert.equal((await refusal(() => deployments.update(b.orgId, d.id, { weight: 2 }))).code, 'not_found');
    const r3 = await refusal(() => deployments.update(a.orgId, d.id, { providerId: b.provider.id }));
    assert.deepEqual([r3.code, r3.field], ['invalid_request', 'providerApiKeyId']);
    assert.equal((await deployments.update(a.orgId, d.id, { weight: 7 })).weight, 7);
  });

  it('the list carries each deployment\'s health from the cooldown store', async () => {
    const a = await org();
    const d = await deployments.create(a.orgId, a.model.id, { providerId: a.provider.id, providerApiKeyId: a.key.id, slug: 's' });
    const until = Date.now() + 60_000;
    await cooldowns.coolDown(d.id, until);
    await cooldowns.recordOutcome(d.id, false, Date.now());
    const [row] = await deployments.list(a.orgId, a.model.id);
    assert.deepEqual([row.row.id, row.health.coolingUntil, row.health.recentErrors], [d.id, until, 1]);
  });

  it('one rule per model for the organisation and one per key; models and keys of the organisation only', async () => {
    const a = await org();
    const b = await org();
    const body = { modelId: a.model.id, strategy: 'FAILOVER' as const, candidates: [{ modelId: a.model.id, priority: 0, weight: 1 }], failoverOn: ['ANY' as const], maxAttempts: 2, retryDelayMs: 0 };
    await rules.create(a.orgId, body);
    assert.equal((await refusal(() => rules.create(a.orgId, body))).code, 'conflict');
    const r = await refusal(() => rules.create(a.orgId, { ...body, candidates: [{ modelId: b.model.id, priority: 0, weight: 1 }] }));
    assert.deepEqual([r.code, r.field], ['invalid_request', 'candidates']);
    const k = await refusal(() => rules.create(a.orgId, { ...body, apiKeyId: 'no-such-key' }));
    assert.deepEqual([k.code, k.field], ['invalid_request', 'apiKeyId']);
  });
});
