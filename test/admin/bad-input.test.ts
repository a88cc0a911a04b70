import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../helpers/services.ts';
import { adminFixture } from './fixtures.ts';
import { fill, isWrite, orgRoutes, seedRecords, snapshot } from './route-table.ts';

const LIMIT = 64 * 1024;

// Bodies are validated: read-only fields, bad JSON, oversize, duplicates and garbage (quality.md, Bad input).
for (const dialect of DIALECTS) {
  test(`admin API bad input (${dialect})`, async (t) => {
    const fx = await adminFixture(t, dialect, { env: { MAX_REQUEST_BYTES: String(LIMIT) } });
    if (!fx) return;
    const { admin, org, odock } = fx;
    const ids = await seedRecords(admin, org, 'bad');
    const revealedKey = await admin.ok('POST', `${org.base}/api-keys`, { type: 'ORGANISATION', name: 'revealed' });
    await admin.ok('POST', `${org.base}/api-keys/${revealedKey.id}/reveal`);
    const routes = await orgRoutes(admin);
    const before = await snapshot(admin, routes, ids);
    const k = `${org.base}/api-keys`;

    await t.test('read-only and unknown fields are a 400 naming the field, and nothing changes', async () => {
      const cases: Array<[string, string, Record<string, unknown>, string]> = [];
      const inject = (method: string, path: string, valid: Record<string, unknown>, extra: Record<string, unknown>) => {
        for (const [f, v] of Object.entries(extra)) cases.push([method, path, { ...valid, [f]: v }, f]);
      };
      inject('POST', k, { type: 'ORGANISATION' }, {
        id: 'chosen-id', organisationId: 'other', keyHash: 'a'.repeat(64), key: 'odk_mine', revealed: true, revoked: true,
        maskedKey: 'odk_x', createdAt: '2020-01-01', lastUsedAt: null, spend: 0, role: 'admin',
      });
      inject('PATCH', `${k}/${revealedKey.id}`, { name: 'renamed' }, {
        revealed: false, revoked: true, keyHash: 'b'.repeat(64), organisationId: 'other', type: 'TEAM', teamId: ids.teamId, spend: 100, id: 'x', pendingSecret: 'x',
      });
      inject('POST', `${k}/${revealedKey.id}/rotate`, {}, { key: 'odk_mine', revealed: true });
      inject('POST', `${org.base}/users`, { email: 'new@example.test', name: 'New', role: 'member' }, { superAdmin: true, organisationId: 'other', id: 'x' });
      inject('PATCH', `${org.base}/users/${ids.userId}`, { name: 'Renamed' }, { superAdmin: true, email: 'takeover@example.test', organisationId: 'other' });
      inject('POST', `${org.base}/teams/${ids.teamId}/members`, { userId: ids.userId }, { role: 'admin' });
      inject('POST', `${org.base}/teams`, { name: 'T2' }, { organisationId: 'other', id: 'x' });
      inject('PATCH', `${org.base}`, { name: 'Renamed' }, { id: 'x', spend: 0 });
      inject('PATCH', `${org.base}/providers/${ids.providerId}`, { enabled: true }, { type: 'ANTHROPIC', organisationId: 'other', id: 'x' });
      inject('POST', `${org.base}/providers/${ids.providerId}/keys`, { name: 'K2', key: 'sk-something-long' }, { keyPreview: 'abcd', ciphertext: 'v1.x', revoked: true, providerId: 'x' });
      inject('POST', `${org.base}/models`, { name: 'm2', slug: 'gpt-4.1', providerId: ids.providerId }, { id: 'x', organisationId: 'other', createdAt: '2020-01-01' });
      inject('PATCH', `${org.base}/models/${ids.modelId}`, { name: 'gpt-4.1' }, { providerId: 'x', organisationId: 'other', spend: 0 });
      inject('POST', `${org.base}/mcp-servers`, { name: 'M2', slug: 'm2', transport: 'STDIO', command: 'node' }, { authCiphertext: 'v1.x', organisationId: 'other', id: 'x' });
      inject('POST', `${org.base}/api-keys/${ids.apiKeyId}/model-access`, { modelIds: [ids.modelId] }, { organisationId: 'other', apiKeyId: 'x' });
      inject('POST', '/api/auth/tokens', { name: 'T' }, { role: 'admin', operatorId: 'x', token: 'odt_mine' });
      inject('POST', '/api/organisations', { name: 'O2' }, { id: 'x', policies: { ip: { allowlist: [] } } });
      for (const [method, path, body, field] of cases) {
        const r = await admin.call(method, path, body);
        assert.equal(r.status, 400, `${method} ${path} with ${field} → ${r.status} ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, 'invalid_request');
        assert.equal(r.body.error.field, field, `${method} ${path}`);
      }
      assert.equal(await snapshot(admin, routes, ids), before);
      assert.equal((await admin.ok('GET', `${k}/${revealedKey.id}`)).revealed, true);
      assert.equal((await admin.ok('GET', '/api/auth/tokens')).items.length, 0);
      assert.equal((await admin.ok('GET', '/api/organisations')).items.length, 1);
    });

    await t.test('invalid JSON is a 400 invalid_request_body; wrong types name the field', async () => {
      const cookie = await cookieOf();
      for (const raw of ['{"type":', '{type: "ORGANISATION"}', "{'type':'TEAM'}", '[]', '"ORGANISATION"', '42', 'null', '{"type":"ORGANISATION"}}']) {
        const res = await fetch(`${odock.url}${k}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: raw });
        const body = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(res.status, 400, raw);
        assert.equal(body.error.code, 'invalid_request_body', raw);
        assert.ok(!/\n\s+at /.test(body.error.message), 'no stack trace');
      }
      const typed = await admin.post(k, { type: 7 });
      assert.deepEqual([typed.status, typed.body.error.field], [400, 'type']);
      const named = await admin.post(`${org.base}/teams`, { name: ['x'] });
      assert.deepEqual([named.status, named.body.error.field], [400, 'name']);
      assert.equal(await snapshot(admin, routes, ids), before);
    });

    await t.test('a body over the limit is a 413 payload_too_large', async () => {
      const big = { type: 'ORGANISATION', name: 'x'.repeat(LIMIT + 1) };
      const r = await admin.post(k, big);
      assert.equal(r.status, 413);
      assert.equal(r.body.error.code, 'payload_too_large');
      const key = await admin.post(`${org.base}/providers/${ids.providerId}/keys`, { name: 'Huge', key: 'k'.repeat(LIMIT * 4) });
      assert.equal(key.status, 413);
      assert.equal(await snapshot(admin, routes, ids), before);
    });

    await t.test('duplicate names are a 409 conflict; the same name in another organisation is fine', async () => {
      const dup: Array<[string, string, unknown]> = [
        ['POST', `${org.base}/teams`, { name: 'Team bad' }],
        ['POST', `${org.base}/users`, { email: 'user-bad@example.test', name: 'Again', role: 'member' }],
        ['POST', `${org.base}/users`, { email: 'USER-BAD@example.test', name: 'Again', role: 'member' }],
        ['POST', `${org.base}/providers`, { type: 'OPENAI' }],
        ['POST', `${org.base}/providers/${ids.providerId}/keys`, { name: 'Primary', key: 'sk-another-one' }],
        ['POST', `${org.base}/models`, { name: 'gpt-4.1', slug: 'gpt-4.1-mini', providerId: ids.providerId }],
        ['PATCH', `${org.base}/models/${org.models['gpt-4.1-mini']}`, { name: 'gpt-4.1' }],
        ['POST', `${org.base}/mcp-servers`, { name: 'Other', slug: 'docs-bad', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/other' }],
        ['POST', `${org.base}/teams/${ids.teamId}/members`, { userId: ids.userId }],
      ];
      for (const [method, path, body] of dup) {
        const r = await admin.call(method, path, body);
        assert.equal(r.status, 409, `${method} ${path} ${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, 'conflict');
      }
      assert.equal(await snapshot(admin, routes, ids), before);
    });

    await t.test('unknown and hostile ids are 404, never 500', async () => {
      for (const bad of ['no-such-id', "' OR '1'='1", '%00', '..%2F..%2Fetc', 'x'.repeat(5000), '%F0%9F%98%80']) {
        for (const p of [`${k}/${bad}`, `${org.base}/models/${bad}`, `/api/organisations/${bad}/api-keys`]) {
          const r = await admin.get(p);
          assert.ok([400, 404, 414].includes(r.status), `${p.slice(0, 80)} → ${r.status}`);
        }
      }
    });

    await t.test('a query parameter given twice is a 400 naming it on every read route, never a 500', async () => {
      const reads = routes.filter((r) => r.method === 'GET').map((r) => fill(r.template, ids));
      reads.push('/api/catalog/models', '/api/auth/tokens', '/api/organisations');
      for (const path of reads) {
        for (const [field, a, b] of [['type', 'chat', 'embeddings'], ['teamId', ids.teamId, ids.teamId], ['userId', 'a', 'b'], ['providerId', ids.providerId, 'x'], ['limit', '1', '2'], ['cursor', 'a', 'b']]) {
          const r = await admin.get(`${path}?${field}=${a}&${field}=${b}`);
          assert.equal(r.status, 400, `${path}?${field}=…&${field}=… → ${r.status} ${JSON.stringify(r.body)}`);
          assert.equal(r.body.error.code, 'invalid_request');
          assert.equal(r.body.error.field, field);
        }
      }
      // One value per parameter is still fine.
      assert.equal((await admin.get('/api/catalog/models?type=chat')).status, 200);
      assert.equal((await admin.get(`${org.base}/api-keys?teamId=${ids.teamId}`)).status, 200);
    });

    await t.test('JSON nested 10 000 levels deep is a 400 invalid_request_body on every write route', async () => {
      const deepArr = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const deepObj = `{"name":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
      for (const r of routes) {
        if (!isWrite(r)) continue;
        for (const body of [deepArr, deepObj]) {
          const res = await admin.call(r.method, fill(r.template, ids), body);
          assert.equal(res.status, 400, `${r.method} ${r.template} → ${res.status} ${JSON.stringify(res.body)}`);
          assert.equal(res.body.error.code, 'invalid_request_body');
        }
      }
      assert.equal(await snapshot(admin, routes, ids), before);
    });

    await t.test('garbage bodies on every write route never crash or leak a stack', async () => {
      const deep = `${'{"a":'.repeat(5000)}{}${'}'.repeat(5000)}`;
      const garbage: unknown[] = ['{"', '[1,2', 'true', '{"name":null}', JSON.stringify({ name: '\u0000\ud800', type: {}, modelIds: 'x' }), deep, JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: { x: 1 } } })];
      const bad: string[] = [];
      for (const r of routes) {
        if (!isWrite(r)) continue;
        for (const g of garbage) {
          const res = await admin.call(r.method, fill(r.template, ids), g as string);
          const text = JSON.stringify(res.body);
          if (res.status >= 500 || /\n\s+at |node_modules|\.ts:\d+/.test(text)) bad.push(`${r.method} ${r.template} ${String(g).slice(0, 20)} → ${res.status} ${text.slice(0, 200)}`);
        }
      }
      assert.deepEqual(bad, []);
      assert.equal((await admin.get('/api/auth/me')).status, 200, 'still serving');
    });

    async function cookieOf(): Promise<string> {
      const res = await fetch(`${odock.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.test', password: 'correct-horse-battery' }) });
      return (res.headers.get('set-cookie') ?? '').split(';')[0];
    }
  });
}
