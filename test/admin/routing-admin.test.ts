// Deployments and routing rules through the admin API, on SQLite and PostgreSQL: validation,
// tenancy (another organisation's model, provider, key → 404/400), roles, and the usage record's
// attempts column written by both dialects' usage writers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminFixture, createOrg } from './fixtures.ts';
import { joinByInvitation } from '../helpers/invite.ts';
import { DIALECTS } from '../helpers/services.ts';
import { startFakeOpenAI } from '../fakes/fake-openai.ts';
import { waitFor } from '../helpers/odock.ts';

for (const dialect of DIALECTS) {
  describe(`routing admin (${dialect})`, () => {
    it('deployments and rules: create, read, update, delete, validated and scoped to the organisation', async (t) => {
      const fx = await adminFixture(t, dialect);
      if (!fx) return;
      const { admin, org } = fx;
      const other = await createOrg(admin, 'Other');
      const gpt = org.models['gpt-4.1'];
      const mini = org.models['gpt-4.1-mini'];

      // Deployments.
      const dep = await admin.ok('POST', `${org.base}/models/${gpt}/deployments`, { providerId: org.providerId, providerApiKeyId: org.providerKeyId, slug: 'gpt-4.1-2025', weight: 2 });
      assert.equal(dep.weight, 2);
      assert.equal(dep.modelId, gpt);
      const list = await admin.ok('GET', `${org.base}/models/${gpt}/deployments`);
      assert.deepEqual(list.items.map((d: any) => [d.id, d.health.status, d.health.errorRate]), [[dep.id, 'healthy', 0]]);
      assert.ok(!JSON.stringify(list).includes('sk-test-'), 'no provider secret in the answer');
      assert.equal((await admin.ok('PATCH', `${org.base}/deployments/${dep.id}`, { weight: 5, slug: 'gpt-4.1' })).weight, 5);

      const bad = async (method: string, path: string, body: unknown, status: number, field?: string) => {
        const r = await admin.call(method, path, body);
        assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
        if (field) assert.equal(r.body.error.field, field);
      };
      const okBody = { providerId: org.providerId, providerApiKeyId: org.providerKeyId, slug: 'x' };
      await bad('POST', `${org.base}/models/${gpt}/deployments`, { ...okBody, id: 'mine' }, 400, 'id');
      await bad('POST', `${org.base}/models/${gpt}/deployments`, { ...okBody, weight: -1 }, 400, 'weight');
      await bad('POST', `${org.base}/models/${gpt}/deployments`, { ...okBody, providerId: other.providerId, providerApiKeyId: other.providerKeyId }, 400, 'providerId');
      await bad('POST', `${org.base}/models/${gpt}/deployments`, { ...okBody, providerApiKeyId: other.providerKeyId }, 400, 'providerApiKeyId');
      await bad('POST', `${org.base}/models/${other.models['gpt-4.1']}/deployments`, okBody, 404);
      await bad('GET', `${org.base}/models/${other.models['gpt-4.1']}/deployments`, undefined, 404);
      await bad('PATCH', `${org.base}/deployments/${dep.id}`, { organisationId: other.orgId }, 400, 'organisationId');
      await bad('PATCH', `${other.base}/deployments/${dep.id}`, { weight: 1 }, 404);
      await bad('DELETE', `${other.base}/deployments/${dep.id}`, undefined, 404);

      // Rules.
      const key = await admin.ok('POST', `${org.base}/api-keys`, { type: 'ORGANISATION', name: 'routed' });
      const rule = await admin.ok('POST', `${org.base}/routing-rules`, {
        modelId: gpt, strategy: 'WEIGHTED', candidates: [{ modelId: mini, priority: 1, weight: 3 }], failoverOn: ['ANY'], maxAttempts: 2, retryDelayMs: 100,
      });
      assert.deepEqual([rule.strategy, rule.apiKeyId, rule.maxAttempts, rule.failoverOn], ['WEIGHTED', null, 2, ['ANY']]);
      const perKey = await admin.ok('POST', `${org.base}/routing-rules`, { modelId: gpt, apiKeyId: key.id, candidates: [{ modelId: mini }] });
      assert.deepEqual([perKey.strategy, perKey.maxAttempts, perKey.candidates], ['FAILOVER', 3, [{ modelId: mini, priority: 0, weight: 1 }]]);
      await bad('POST', `${org.base}/routing-rules`, { modelId: gpt, candidates: [{ modelId: mini }] }, 409);
      await bad('POST', `${org.base}/routing-rules`, { modelId: mini, candidates: [{ modelId: other.models['gpt-4.1'] }] }, 400, 'candidates');
      await bad('POST', `${org.base}/routing-rules`, { modelId: other.models['gpt-4.1'], candidates: [{ modelId: mini }] }, 400, 'modelId');
      const otherKey = await admin.ok('POST', `${other.base}/api-keys`, { type: 'ORGANISATION' });
      await bad('POST', `${org.base}/routing-rules`, { modelId: mini, apiKeyId: otherKey.id, candidates: [{ modelId: gpt }] }, 400, 'apiKeyId');
      await bad('POST', `${org.base}/routing-rules`, { modelId: mini, candidates: [] }, 400, 'candidates');
      await bad('POST', `${org.base}/routing-rules`, { modelId: mini, candidates: [{ modelId: gpt }], strategy: 'RANDOM' }, 400, 'strategy');
      await bad('POST', `${org.base}/routing-rules`, { modelId: mini, candidates: [{ modelId: gpt }], failoverOn: ['SOMETIMES'] }, 400, 'failoverOn.0');
      await bad('PATCH', `${org.base}/routing-rules/${rule.id}`, { modelId: mini }, 400, 'modelId');
      await bad('GET', `${other.base}/routing-rules/${rule.id}`, undefined, 404);
      await bad('PATCH', `${other.base}/routing-rules/${rule.id}`, { maxAttempts: 1 }, 404);
      await bad('GET', `${other.base}/api-keys/${key.id}/routing-explain?model=gpt-4.1`, undefined, 404);
      assert.equal((await admin.ok('PATCH', `${org.base}/routing-rules/${rule.id}`, { maxAttempts: 4, strategy: 'ROUND_ROBIN' })).maxAttempts, 4);
      const rules = await admin.ok('GET', `${org.base}/routing-rules?modelId=${gpt}`);
      assert.deepEqual(rules.items.map((r: any) => r.id).sort(), [rule.id, perKey.id].sort());
      assert.deepEqual((await admin.ok('GET', `${other.base}/routing-rules`)).items, []);

      // Deleting the model takes its deployments and rules with it.
      await admin.ok('DELETE', `${org.base}/routing-rules/${perKey.id}`);
      await bad('GET', `${org.base}/routing-rules/${perKey.id}`, undefined, 404);
      await admin.ok('DELETE', `${org.base}/deployments/${dep.id}`);
      assert.deepEqual((await admin.ok('GET', `${org.base}/models/${gpt}/deployments`)).items, []);
      await admin.ok('DELETE', `${org.base}/models/${gpt}`);
      await bad('GET', `${org.base}/routing-rules/${rule.id}`, undefined, 404);

      // The OpenAPI document describes the new routes.
      const doc = await admin.ok('GET', '/api/openapi.json');
      for (const p of ['/api/organisations/{orgId}/models/{modelId}/deployments', '/api/organisations/{orgId}/deployments/{deploymentId}', '/api/organisations/{orgId}/routing-rules', '/api/organisations/{orgId}/routing-rules/{ruleId}', '/api/organisations/{orgId}/api-keys/{keyId}/routing-explain']) {
        assert.ok(doc.paths[p], p);
      }
    });

    it('roles: a manager manages deployments and rules, a member only reads', async (t) => {
      const fx = await adminFixture(t, dialect);
      if (!fx) return;
      const { admin, org } = fx;
      const manager = await joinByInvitation(admin, org.orgId, { email: 'mgr@example.test', role: 'manager', password: 'manager-password' });
      const member = await joinByInvitation(admin, org.orgId, { email: 'mem@example.test', role: 'member', password: 'member-password' });
      const body = { providerId: org.providerId, providerApiKeyId: org.providerKeyId, slug: 'gpt-4.1' };
      const path = `${org.base}/models/${org.models['gpt-4.1']}/deployments`;
      assert.equal((await manager.post(path, body)).status, 201);
      assert.equal((await member.post(path, body)).status, 403);
      assert.equal((await member.get(path)).status, 200);
      const rule = { modelId: org.models['gpt-4.1'], candidates: [{ modelId: org.models['gpt-4.1-mini'] }] };
      assert.equal((await member.post(`${org.base}/routing-rules`, rule)).status, 403);
      assert.equal((await manager.post(`${org.base}/routing-rules`, rule)).status, 201);
    });

    it('the usage record holds the attempts with the deployment used', async (t) => {
      const fake = await startFakeOpenAI({ apiKey: 'sk-routing-usage-0001' });
      t.after(() => fake.close());
      const fx = await adminFixture(t, dialect);
      if (!fx) return;
      const { admin, org, odock } = fx;
      await admin.ok('PATCH', `${org.base}/providers/${org.providerId}`, { baseUrl: fake.url });
      const pk = await admin.ok('POST', `${org.base}/providers/${org.providerId}/keys`, { name: 'Real', key: 'sk-routing-usage-0001' });
      const model = org.models['gpt-4.1'];
      const dep = await admin.ok('POST', `${org.base}/models/${model}/deployments`, { providerId: org.providerId, providerApiKeyId: pk.id, slug: 'gpt-4.1-dep' });
      const key = await admin.ok('POST', `${org.base}/api-keys`, { type: 'ORGANISATION' });
      await admin.ok('POST', `${org.base}/api-keys/${key.id}/model-access`, { modelIds: [model] });
      const { key: secret } = await admin.ok('POST', `${org.base}/api-keys/${key.id}/reveal`);
      const r = await fetch(`${odock.url}/v1/chat/completions`, {
        method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'x-request-id': 'routing-usage-1' },
        body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(r.status, 200);
      assert.equal(fake.last().body.model, 'gpt-4.1-dep');
      let u: any;
      await waitFor(async () => {
        u = (await admin.ok('GET', `${org.base}/usage`)).items.find((x: any) => x.requestId === 'routing-usage-1');
        return !!u;
      }, 10_000, 50);
      assert.equal(u.rerouted, false);
      assert.deepEqual(u.attempts.map((a: any) => [a.modelId, a.deploymentId, a.status, a.errorCode]), [[model, dep.id, 200, null]]);
      assert.equal(u.upstreamSlug, 'gpt-4.1-dep');
    });
  });
}
