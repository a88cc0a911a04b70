// The console's try-out endpoints, over HTTP against a real Odock and real fake upstreams:
// provider-key test, MCP connection test, playground chat; plus the API reference at /api/docs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { joinByInvitation } from '../helpers/invite.ts';
import { startFakeOpenAI, FAKE_REPLY, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { createMcpServerTester } from '../../src/admin/try-out/mcp-server-test.service.ts';
import { startEverything } from '../mcp/fixtures/everything-server.ts';
import { startRecordingMcpServer, FIXTURE_TOOLS, type RecordingMcpServer } from '../mcp/fixtures/recording-mcp-server.ts';

const SECRET = 'sk-try-out-upstream-4242';

describe('try-out endpoints: provider-key test, MCP connection test, playground', () => {
  let odock: TestOdock;
  let fake: FakeOpenAI;
  let mcp: RecordingMcpServer;
  let admin: AdminClient;
  let member: AdminClient;
  let base: string;
  let otherBase: string;
  let providerId: string;
  let goodKey: string;
  let badKey: string;
  let apiKeyId: string;
  let model: string;

  before(async () => {
    fake = await startFakeOpenAI({ apiKey: SECRET });
    mcp = await startRecordingMcpServer({ auth: { type: 'bearer', token: 'mcp-upstream-token-77' } });
    odock = await startOdock();
    admin = await AdminClient.login(odock.url);
    const orgId = await admin.defaultOrgId();
    base = `/api/organisations/${orgId}`;
    otherBase = `/api/organisations/${(await admin.ok('POST', '/api/organisations', { name: 'Other' })).id}`;
    const provider = await admin.ok('POST', `${base}/providers`, { type: 'OPENAI' });
    providerId = provider.id;
    await admin.ok('PATCH', `${base}/providers/${providerId}`, { baseUrl: fake.url });
    goodKey = (await admin.ok('POST', `${base}/providers/${providerId}/keys`, { name: 'Primary', key: SECRET })).id;
    badKey = (await admin.ok('POST', `${base}/providers/${providerId}/keys`, { name: 'Stale', key: 'sk-wrong-key-0000' })).id;
    const m = await admin.ok('POST', `${base}/models`, { name: 'chat-model', slug: 'gpt-4.1-mini', providerId, providerApiKeyId: goodKey, type: 'chat', pricing: { inputPerMTok: 1, outputPerMTok: 2 } });
    model = m.name;
    const k = await admin.ok('POST', `${base}/api-keys`, { type: 'ORGANISATION', name: 'Playground key' });
    apiKeyId = k.id;
    await admin.ok('POST', `${base}/api-keys/${apiKeyId}/model-access`, { modelIds: [m.id] });
    member = await joinByInvitation(admin, orgId, { email: 'reader@example.test', role: 'member', password: 'member-password-123' });
  });
  after(async () => {
    await odock?.close();
    await fake?.close();
    await mcp?.close();
  });

  it('a provider key test lists the upstream models with the stored key; a rejected key answers the catalogued error without the secret', async () => {
    const ok = await admin.post(`${base}/providers/${providerId}/keys/${goodKey}/test`);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.ok, true);
    assert.deepEqual(ok.body.models, ['gpt-4.1-mini']);
    assert.equal(fake.last().headers.authorization, `Bearer ${SECRET}`);
    const bad = await admin.post(`${base}/providers/${providerId}/keys/${badKey}/test`);
    assert.equal(bad.body.ok, false);
    assert.equal(bad.body.error.code, 'upstream_error');
    assert.match(bad.body.error.message, /rejected the provider key/);
    const text = JSON.stringify(bad.body) + JSON.stringify(ok.body);
    assert.ok(!text.includes(SECRET) && !text.includes('sk-wrong-key-0000'), 'no secret in either answer');
  });

  it('MCP "Test connection" discovers the tools with the server\'s own credentials and marks the ones the rules hide', async () => {
    const s = await admin.ok('POST', `${base}/mcp-servers`, {
      name: 'Tools', slug: 'tools', transport: 'STREAMABLE_HTTP', endpointUrl: mcp.url, authType: 'BEARER', authSecret: 'mcp-upstream-token-77', blockedTools: ['admin_reset'],
    });
    const r = await admin.post(`${base}/mcp-servers/${s.id}/test`);
    assert.equal(r.status, 200);
    assert.equal(r.body.ok, true, JSON.stringify(r.body));
    assert.deepEqual(r.body.tools.map((t: { name: string }) => t.name).sort(), [...FIXTURE_TOOLS].sort());
    assert.equal(r.body.tools.find((t: { name: string }) => t.name === 'admin_reset').usable, false);
    assert.equal(r.body.tools.find((t: { name: string }) => t.name === 'echo').usable, true);
    assert.ok(mcp.seen.some((h) => h.authorization === 'Bearer mcp-upstream-token-77'));

    // Wrong upstream credentials: a catalogued error, and the stored token is not in it.
    await admin.ok('PATCH', `${base}/mcp-servers/${s.id}`, { authSecret: 'not-the-token' });
    const refused = await admin.post(`${base}/mcp-servers/${s.id}/test`);
    assert.deepEqual([refused.body.ok, refused.body.error.code], [false, 'mcp_auth_error']);
    assert.ok(!JSON.stringify(refused.body).includes('not-the-token'));
  });

  it('MCP "Test connection" also reaches a legacy SSE server (through the bridge channel)', async () => {
    const everything = await startEverything('sse');
    try {
      const s = await admin.ok('POST', `${base}/mcp-servers`, { name: 'Everything', slug: 'everything-sse', transport: 'SSE', endpointUrl: everything.url });
      const r = await admin.post(`${base}/mcp-servers/${s.id}/test`);
      assert.equal(r.body.ok, true, JSON.stringify(r.body));
      assert.ok(r.body.tools.some((t: { name: string }) => t.name === 'echo'), JSON.stringify(r.body.tools.map((t: { name: string }) => t.name)));
    } finally {
      await everything.close();
    }
  });

  it('the MCP test applies the SSRF guard: without ODOCK_ALLOW_PRIVATE_UPSTREAMS a loopback server is refused before any connection', async () => {
    const before = mcp.seen.length;
    const route = {
      id: 'srv', slug: 'srv', name: 'srv', enabled: true, transport: 'STREAMABLE_HTTP', endpointUrl: mcp.url, command: null, args: [], authType: 'BEARER',
      authConfig: {}, allowedTools: [], blockedTools: [], authSecret: () => 'mcp-upstream-token-77', env: () => ({}), updatedAt: 'now', priceNanoUsd: 0,
    };
    const test = createMcpServerTester({ orgRoutes: { get: async () => ({ models: new Map(), modelsById: new Map(), mcpBySlug: new Map(), mcpById: new Map([['srv', route]]) }) }, allowPrivate: false });
    const r = await test('org', 'srv');
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.error.code === 'mcp_upstream_error' && /SSRF/.test(r.error.message), JSON.stringify(r));
    assert.ok(!JSON.stringify(r).includes('mcp-upstream-token-77'));
    assert.equal(mcp.seen.length, before, 'nothing reached the server');
    // And an admin can never save a cloud-metadata address to test in the first place.
    const meta = await admin.post(`${base}/mcp-servers`, { name: 'IMDS', slug: 'imds', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://169.254.169.254/mcp' });
    assert.equal(meta.status, 400);
  });

  it('the playground chats through the gateway as the key record: JSON and streamed, usage recorded as playground', async () => {
    const json = await admin.post(`${base}/playground/chat`, { apiKeyId, model, messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(json.status, 200, JSON.stringify(json.body));
    assert.equal(json.body.choices[0].message.content, FAKE_REPLY);

    const res = await fetch(`${odock.url}${base}/playground/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: odock.url, cookie: (admin as unknown as { cookie: string }).cookie },
      body: JSON.stringify({ apiKeyId, model, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    assert.equal(res.headers.get('content-type')?.split(';')[0], 'text/event-stream');
    const text = await res.text();
    const deltas = text.split('\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6)).choices?.[0]?.delta?.content ?? '').join('');
    assert.equal(deltas, FAKE_REPLY);
    assert.ok(text.trimEnd().endsWith('data: [DONE]'));

    let records: any[] = [];
    await waitFor(async () => {
      records = (await admin.ok('GET', `${base}/usage?apiKeyId=${apiKeyId}`)).items;
      return records.length >= 2;
    });
    assert.ok(records.every((r) => r.surface === 'playground' && r.status === 200));
    assert.ok(records.some((r) => r.streamed) && records.some((r) => r.outputTokens > 0));
  });

  it('the playground keeps the key\'s rules: an ungranted model, a revoked key and a foreign key are refused', async () => {
    const ungranted = await admin.post(`${base}/playground/chat`, { apiKeyId, model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(ungranted.status, 400);
    assert.match(ungranted.body.error.code, /model_not_found|model_not_allowed/);
    const k = await admin.ok('POST', `${base}/api-keys`, { type: 'ORGANISATION', name: 'Revoked one' });
    await admin.ok('POST', `${base}/api-keys/${k.id}/revoke`);
    const revoked = await admin.post(`${base}/playground/chat`, { apiKeyId: k.id, model, messages: [{ role: 'user', content: 'Hi' }] });
    assert.deepEqual([revoked.status, revoked.body.error.code], [401, 'api_key_revoked']);
    const foreign = await admin.post(`${otherBase}/playground/chat`, { apiKeyId, model, messages: [{ role: 'user', content: 'Hi' }] });
    assert.deepEqual([foreign.status, foreign.body.error.field], [400, 'apiKeyId']);
    const extra = await admin.post(`${base}/playground/chat`, { apiKeyId, model, messages: [{ role: 'user', content: 'Hi' }], organisationId: 'x' });
    assert.equal(extra.status, 400);
  });

  it('tenancy and roles: another organisation\'s records are 404, a member may not run any of them', async () => {
    const mcpServer = (await admin.ok('GET', `${base}/mcp-servers`)).items[0];
    for (const path of [`${otherBase}/providers/${providerId}/keys/${goodKey}/test`, `${otherBase}/mcp-servers/${mcpServer.id}/test`]) {
      assert.equal((await admin.post(path)).status, 404, path);
    }
    for (const [path, body] of [
      [`${base}/providers/${providerId}/keys/${goodKey}/test`, {}],
      [`${base}/mcp-servers/${mcpServer.id}/test`, {}],
      [`${base}/playground/chat`, { apiKeyId, model, messages: [{ role: 'user', content: 'Hi' }] }],
    ] as const) {
      const r = await member.post(path, body);
      assert.deepEqual([r.status, r.body.error.code], [403, 'forbidden'], path);
    }
    assert.equal((await member.post(`${otherBase}/playground/chat`, { apiKeyId, model, messages: [{ role: 'user', content: 'Hi' }] })).status, 404);
  });

  it('the OpenAPI document gives every operation a summary and a typed success answer; /api/docs renders it offline', async () => {
    const doc = (await admin.get('/api/openapi.json')).body;
    const missing: string[] = [];
    for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        if (!op.summary) missing.push(`${method} ${path}: summary`);
        const success = Object.keys(op.responses).find((c) => c.startsWith('2'));
        if (!success) missing.push(`${method} ${path}: success response`);
      }
    }
    assert.deepEqual(missing, []);
    const list = doc.paths['/api/organisations/{orgId}/api-keys'].get;
    assert.equal(list.summary, 'List the API keys');
    assert.deepEqual(list.responses['200'].content['application/json'].schema.properties.items.items, { $ref: '#/components/schemas/ApiKey' });
    assert.equal(doc.paths['/api/organisations/{orgId}/api-keys/{keyId}'].delete.responses['204'].description, 'No content');
    assert.ok(doc.components.schemas.ApiKey.properties.maskedKey);

    const page = await fetch(`${odock.url}/api/docs`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.ok(!/https?:\/\//.test(html.replace(/http:\/\/www\.w3\.org[^"]*/g, '')), 'no external resource on the page');
    const script = await fetch(`${odock.url}/api/docs/api-docs.js`);
    assert.equal(script.status, 200);
  });
});
