import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openTempStore, type TempStore } from '../../store/testing/temp-store.ts';
import { grantRepo } from '../../store/repos/grant.repo.ts';
import { apiKeyRepo } from '../../store/repos/api-key.repo.ts';
import { modelRepo } from '../../store/repos/model.repo.ts';
import { providerRepo } from '../../store/repos/provider.repo.ts';
import { providerKeyRepo } from '../../store/repos/provider-key.repo.ts';
import { mcpServerRepo } from '../../store/repos/mcp-server.repo.ts';
import { createProviderService } from '../providers/providers.service.ts';
import { createModelService } from '../models/models.service.ts';
import { createApiKeyService } from '../api-keys/api-keys.service.ts';
import { createMcpServerService } from '../mcp-servers/mcp-servers.service.ts';
import { CATALOG } from '../catalog/catalog.data.ts';
import { recordInvalidations, refusal, testVault } from '../shared/service-testing.ts';
import { createGrantService } from './grants.service.ts';

const page = { limit: 50 };

describe('grant service (key × model, key × MCP server)', () => {
  let t: TempStore;
  const vault = testVault();
  const rec = recordInvalidations();
  let grants: ReturnType<typeof createGrantService>;

  /** An organisation with one key, one model and one MCP server. */
  const organisation = async () => {
    const { db } = t.store;
    const orgId = await t.seedOrganisation();
    const deps = { vault, invalidate: rec.invalidate };
    const provider = await createProviderService({ ...deps, providers: providerRepo(db), providerKeys: providerKeyRepo(db), allowPrivateUpstreams: false })
      .activate(orgId, 'admin', { type: 'OPENAI' });
    const model = await createModelService({ ...deps, models: modelRepo(db), providers: providerRepo(db), providerKeys: providerKeyRepo(db), catalog: CATALOG })
      .create(orgId, { name: 'gpt-x', slug: 'gpt-x', providerId: provider.id, type: 'chat' });
    const key = await createApiKeyService({ ...deps, apiKeys: apiKeyRepo(db) }).create(orgId, 'op', { type: 'ORGANISATION' });
    const server = await createMcpServerService({
      ...deps, servers: mcpServerRepo(db), allowPrivateUpstreams: true, stdio: { configured: false, entries: new Map(), runAs: undefined },
    }).create(orgId, 'admin', { name: 'Docs', slug: 'docs', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/mcp' });
    return { orgId, keyId: key.id, modelId: model.id, serverId: server.id };
  };

  before(async () => {
    t = await openTempStore();
    grants = createGrantService({ grants: grantRepo(t.store.db), invalidate: rec.invalidate });
  });
  after(() => t.close());

  it('a grant made from the model side is the one the key side lists, and the reverse', async () => {
    const a = await organisation();
    assert.equal(await grants.grantToTarget(a.orgId, 'model', a.modelId, [a.keyId]), 1);
    assert.deepEqual((await grants.modelsOfKey(a.orgId, a.keyId, page)).map((m) => m.id), [a.modelId]);
    await grants.revokeFromKey(a.orgId, 'model', a.keyId, a.modelId);
    assert.deepEqual(await grants.keysOfTarget(a.orgId, 'model', a.modelId, page), []);

    await grants.grantToKey(a.orgId, 'mcp', a.keyId, [a.serverId]);
    assert.deepEqual((await grants.keysOfTarget(a.orgId, 'mcp', a.serverId, page)).map((k) => k.id), [a.keyId]);
  });

  it('model access and MCP access are separate: neither implies the other', async () => {
    const a = await organisation();
    await grants.grantToKey(a.orgId, 'model', a.keyId, [a.modelId]);
    assert.deepEqual(await grants.serversOfKey(a.orgId, a.keyId, page), []);
    assert.equal((await refusal(() => grants.revokeFromKey(a.orgId, 'mcp', a.keyId, a.serverId))).code, 'not_found');
  });

  it('a grant across organisations is refused, naming the field, and nothing is written', async () => {
    const a = await organisation();
    const b = await organisation();
    const r = await refusal(() => grants.grantToKey(a.orgId, 'model', a.keyId, [a.modelId, b.modelId]));
    assert.deepEqual([r.code, r.field], ['invalid_request', 'modelIds']);
    const k = await refusal(() => grants.grantToTarget(a.orgId, 'mcp', a.serverId, [a.keyId, b.keyId]));
    assert.deepEqual([k.code, k.field], ['invalid_request', 'apiKeyIds']);
    assert.deepEqual(await grants.modelsOfKey(a.orgId, a.keyId, page), []);
    assert.deepEqual(await grants.keysOfTarget(a.orgId, 'mcp', a.serverId, page), []);
    // Another organisation's key or model does not exist from here.
    assert.equal((await refusal(() => grants.modelsOfKey(a.orgId, b.keyId, page))).code, 'not_found');
    assert.equal((await refusal(() => grants.keysOfTarget(a.orgId, 'model', b.modelId, page))).code, 'not_found');
  });

  it('granting again keeps one grant; revoking what is not granted is 404; changes invalidate the organisation', async () => {
    const a = await organisation();
    rec.events.length = 0;
    await grants.grantToKey(a.orgId, 'model', a.keyId, [a.modelId, a.modelId]);
    await grants.grantToTarget(a.orgId, 'model', a.modelId, [a.keyId]);
    assert.equal((await grants.modelsOfKey(a.orgId, a.keyId, page)).length, 1);
    await grants.revokeFromTarget(a.orgId, 'model', a.modelId, a.keyId);
    const r = await refusal(() => grants.revokeFromTarget(a.orgId, 'model', a.modelId, a.keyId));
    assert.deepEqual([r.code, r.message], ['not_found', 'Grant not found']);
    assert.deepEqual(rec.events, [{ kind: 'org', orgId: a.orgId }, { kind: 'org', orgId: a.orgId }, { kind: 'org', orgId: a.orgId }]);
  });
});
