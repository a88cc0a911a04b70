import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../helpers/services.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { adminFixture, createOrg, gatewayModels } from './fixtures.ts';
import { bodyFor, fill, orgRoutes, seedRecords, snapshot } from './route-table.ts';
import { joinByInvitation } from '../helpers/invite.ts';

// Nothing of one organisation is visible to, or usable by, another (product.md, Domain; quality.md, Tenancy).
for (const dialect of DIALECTS) {
  test(`tenancy (${dialect})`, async (t) => {
    const fx = await adminFixture(t, dialect);
    if (!fx) return;
    const { admin: superAdmin, odock } = fx;
    const a = await seedRecords(superAdmin, fx.org, 'a');
    const orgB = await createOrg(superAdmin, 'Org B');
    const b = await seedRecords(superAdmin, orgB, 'b');
    // An operator who is admin of organisation B only.
    const opB = await joinByInvitation(superAdmin, orgB.orgId, { email: 'b-admin@example.test', name: 'B Admin', role: 'admin', password: 'b-admin-password' });
    const aToken = await superAdmin.ok('POST', '/api/auth/tokens', { name: 'a-script' });

    const routes = await orgRoutes(superAdmin);
    assert.ok(routes.length >= 40, `the OpenAPI document lists the organisation routes (${routes.length})`);
    const before = await snapshot(superAdmin, routes, a);
    // The filled-in routes name real records: their own admin reads every one of them.
    assert.deepEqual(before.split('\n').filter((l) => !/^\S+ 200 /.test(l)), []);

    await t.test('operator B sees only organisation B', async () => {
      const me = await opB.ok('GET', '/api/auth/me');
      assert.deepEqual(me.organisations.map((o: { id: string }) => o.id), [orgB.orgId]);
      const orgs = await opB.ok('GET', '/api/organisations');
      assert.deepEqual(orgs.items.map((o: { id: string }) => o.id), [orgB.orgId]);
      assert.equal((await opB.post('/api/organisations', { name: 'Mine' })).status, 403, 'only a super-admin creates organisations');
    });

    await t.test('every organisation-A route, read and write, is a 404 for operator B', async () => {
      const seen: string[] = [];
      for (const r of routes) {
        const res = await opB.call(r.method, fill(r.template, a), bodyFor(r, a));
        if (res.status !== 404) seen.push(`${r.method} ${r.template} → ${res.status} ${JSON.stringify(res.body)}`);
        else assert.equal(res.body.error.code, 'not_found');
      }
      assert.deepEqual(seen, []);
    });

    await t.test('organisation-A records under organisation B\'s own routes are 404 too', async () => {
      const mixed = { ...a, orgId: b.orgId };
      const seen: string[] = [];
      for (const r of routes) {
        // Collection routes of B are B's own; only routes naming a record are probed.
        if ((r.template.match(/\{/g) ?? []).length < 2) continue;
        const res = await opB.call(r.method, fill(r.template, mixed), bodyFor(r, b));
        if (res.status !== 404) seen.push(`${r.method} ${r.template} → ${res.status} ${JSON.stringify(res.body)}`);
      }
      assert.deepEqual(seen, []);
      // A's own token cannot be deleted by B either.
      assert.equal((await opB.del(`/api/auth/tokens/${aToken.id}`)).status, 404);
    });

    await t.test('bodies naming organisation-A records are refused in organisation B (no cross-org grants)', async () => {
      const cases: Array<[string, string, unknown, string]> = [
        ['POST', `${orgB.base}/api-keys/${b.apiKeyId}/model-access`, { modelIds: [a.modelId] }, 'modelIds'],
        ['POST', `${orgB.base}/api-keys/${b.apiKeyId}/mcp-access`, { mcpServerIds: [a.serverId] }, 'mcpServerIds'],
        ['POST', `${orgB.base}/models/${orgB.models['gpt-4.1']}/api-keys`, { apiKeyIds: [a.apiKeyId] }, 'apiKeyIds'],
        ['POST', `${orgB.base}/mcp-servers/${b.serverId}/api-keys`, { apiKeyIds: [a.apiKeyId] }, 'apiKeyIds'],
        ['POST', `${orgB.base}/teams/${b.teamId}/members`, { userId: a.userId }, 'userId'],
        ['POST', `${orgB.base}/api-keys`, { type: 'TEAM', teamId: a.teamId }, 'teamId'],
        ['POST', `${orgB.base}/api-keys`, { type: 'USER', userId: a.userId }, 'userId'],
        ['POST', `${orgB.base}/models`, { name: 'stolen', slug: 'gpt-4.1', providerId: a.providerId, providerApiKeyId: a.providerKeyId }, 'providerId'],
        ['POST', `${orgB.base}/models`, { name: 'stolen', slug: 'gpt-4.1', providerId: b.providerId, providerApiKeyId: a.providerKeyId }, 'providerApiKeyId'],
        ['POST', `${orgB.base}/models/batch`, { providerId: a.providerId, providerApiKeyId: a.providerKeyId, slugs: ['gpt-4o'] }, 'providerId'],
        ['PATCH', `${orgB.base}/models/${orgB.models['gpt-4.1']}`, { providerApiKeyId: a.providerKeyId }, 'providerApiKeyId'],
        ['POST', `${orgB.base}/budgets`, { ownerType: 'API_KEY', ownerId: a.apiKeyId, period: 'MONTHLY', amountUsd: '1' }, 'ownerId'],
        ['POST', `${orgB.base}/quotas`, { ownerType: 'USER', ownerId: a.userId, period: 'DAILY', metric: 'TOKENS', limit: 1 }, 'ownerId'],
      ];
      for (const [method, path, body, field] of cases) {
        const res = await opB.call(method, path, body);
        assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)} → ${res.status}`);
        assert.equal(res.body.error.field, field, `${method} ${path}`);
      }
      // B's key grants are still exactly its own.
      const grants = await opB.ok('GET', `${orgB.base}/api-keys/${b.apiKeyId}/model-access`);
      assert.deepEqual(grants.items.map((m: { id: string }) => m.id), [b.modelId]);
    });

    await t.test('B\'s lists never mention A\'s records', async () => {
      const aIds = Object.values(a).filter((v) => v !== a.orgId);
      for (const r of routes) {
        if (r.method !== 'GET' || r.template.includes('policy-explain')) continue;
        const res = await opB.get(fill(r.template, b));
        const text = JSON.stringify(res.body);
        for (const id of aIds) assert.ok(!text.includes(id), `${r.template} shows an organisation-A id`);
      }
    });

    await t.test('a key of organisation B cannot use organisation A\'s models at the gateway', async () => {
      const bSecret = (await opB.ok('POST', `${orgB.base}/api-keys/${b.apiKeyId}/reveal`)).key;
      const listed = await gatewayModels(odock.url, bSecret);
      assert.deepEqual(listed.ids, ['gpt-4.1']);
      await superAdmin.ok('POST', `${fx.org.base}/models`, { name: 'only-in-a', slug: 'gpt-4.1', providerId: a.providerId, providerApiKeyId: a.providerKeyId });
      const res = await fetch(`${odock.url}/v1/chat/completions`, {
        method: 'POST', headers: { authorization: `Bearer ${bSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'only-in-a', messages: [{ role: 'user', content: 'hi' }] }),
      });
      // To B's key, A's model does not exist: the same answer as an unknown name (no cross-organisation probing).
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'model_not_found');
      await superAdmin.ok('DELETE', `${fx.org.base}/models/${(await superAdmin.ok('GET', `${fx.org.base}/models?q=only-in-a`)).items[0].id}`);
    });

    await t.test('an admin of B cannot take over an operator of A (or the super-admin) by setting their password', async () => {
      await joinByInvitation(superAdmin, fx.org.orgId, { email: 'a-admin@example.test', name: 'A Admin', role: 'admin', password: 'a-admin-password' });
      for (const email of ['a-admin@example.test', 'admin@example.test']) {
        // Organisation admins never set passwords (400); before invitations this was a 403 for these emails only.
        const created = await opB.post(`${orgB.base}/users`, { email, name: 'Imposter', role: 'member', password: 'taken-over-1' });
        assert.equal(created.status, 400, `${email}: ${JSON.stringify(created.body)}`);
        assert.equal(created.body.error.field, 'password');
        assert.equal((await opB.ok('GET', `${orgB.base}/users?limit=500`)).items.some((u: { email: string }) => u.email === email), false, 'nothing written');
        // Without a password the membership alone is B's business; a password change stays refused.
        const member = await opB.ok('POST', `${orgB.base}/users`, { email, name: 'Guest', role: 'member' });
        const patched = await opB.patch(`${orgB.base}/users/${member.id}`, { password: 'taken-over-2' });
        assert.equal(patched.status, 400, JSON.stringify(patched.body));
        assert.equal(patched.body.error.field, 'password');
        // The member record gives the existing login no access to B either.
        assert.equal(member.consoleAccess, false);
        for (const pw of ['taken-over-1', 'taken-over-2']) {
          const login = await fetch(`${odock.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: pw }) });
          assert.equal(login.status, 401, `${email} logs in with a password set by B`);
        }
        await opB.ok('DELETE', `${orgB.base}/users/${member.id}`);
      }
      await AdminClient.login(odock.url, 'a-admin@example.test', 'a-admin-password');
      await AdminClient.login(odock.url);
      await superAdmin.ok('DELETE', `${fx.org.base}/users/${(await superAdmin.ok('GET', `${fx.org.base}/users?limit=500`)).items.find((u: { email: string }) => u.email === 'a-admin@example.test').id}`);
    });

    await t.test('organisation A is unchanged by all of it', async () => {
      assert.equal(await snapshot(superAdmin, routes, a), before);
      // And A's operator token still works.
      const script = new AdminClient(odock.url, aToken.token);
      assert.equal((await script.get(`${fx.org.base}/api-keys`)).status, 200);
    });
  });
}
