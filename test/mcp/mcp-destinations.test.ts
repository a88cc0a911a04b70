// Red-team finding (issue 10): a manager could point a provider's baseUrl, an MCP server's
// endpointUrl or its OAuth2 tokenUrl at a host they control, make one call, and receive the
// secret an admin entered. Where a secret is sent is now admin-only, and URLs carry no credentials.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import type { AdminClient } from '../helpers/admin-client.ts';
import { setupKey } from '../helpers/setup-flow.ts';
import { postChat } from '../helpers/chat.ts';
import { writeAllowlist, type AllowlistFile } from './fixtures/stdio-allowlist.ts';
import { INIT, McpAdmin, rawPost } from './mcp-setup.ts';

const PROVIDER_KEY = 'sk-admin-entered-provider-key-1234';
const MCP_TOKEN = 'mcp-admin-entered-token-5678';
const CLIENT_SECRET = 'oauth-admin-entered-secret-9012';

/** A host "the manager controls": it records every request that reaches it. */
async function startCapture(): Promise<{ url: string; seen: IncomingHttpHeaders[]; bodies: string[]; close(): Promise<void> }> {
  const seen: IncomingHttpHeaders[] = [];
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push(req.headers);
      bodies.push(body);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen, bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('only an admin decides where a secret is sent', () => {
  let odock: TestOdock;
  let org: McpAdmin;
  let manager: AdminClient;
  let capture: Awaited<ReturnType<typeof startCapture>>;
  let allowlist: AllowlistFile;

  before(async () => {
    capture = await startCapture();
    allowlist = writeAllowlist();
    odock = await startOdock({ env: allowlist.env });
    org = await McpAdmin.forDefaultOrg(odock);
    manager = await org.asRole('manager');
  });
  after(async () => {
    await odock?.close();
    await capture?.close();
    allowlist?.remove();
  });

  test('provider baseUrl: a manager gets 403 naming the field, nothing changes, and the key never reaches their host', async () => {
    const s = await setupKey(odock, { client: org.admin, orgId: org.orgId, baseUrl: 'https://api.openai.com/v1', providerKey: PROVIDER_KEY });
    const path = `${org.base}/providers/${s.providerId}`;
    const before = await org.admin.ok('GET', path);
    const r = await manager.patch(path, { baseUrl: `${capture.url}/v1` });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'forbidden');
    assert.equal(r.body.error.field, 'baseUrl');
    assert.deepEqual(await org.admin.ok('GET', path), before);
    // Anything else, or the same URL sent back by a form, is still a manager's to change.
    assert.equal((await manager.patch(path, { name: 'OpenAI (prod)', baseUrl: before.baseUrl })).status, 200);
    // Activating another provider at a URL of their choosing: the same refusal.
    const act = await manager.post(`${org.base}/providers`, { type: 'VLLM', baseUrl: `${capture.url}/v1` });
    assert.deepEqual([act.status, act.body.error.field], [403, 'baseUrl']);
    // The call after the refused change still goes where the admin said (and fails there: no network).
    await postChat(odock.url, s.secret).then((res) => res.text());
    assert.equal(capture.seen.length, 0, 'nothing reached the manager\'s host');
    // An admin may move it.
    assert.equal((await org.admin.patch(path, { baseUrl: 'https://proxy.example.com/v1' })).status, 200);
  });

  test('MCP endpointUrl, OAuth2 tokenUrl and stdioCommand: a manager gets 403 naming the field; nothing changes', async () => {
    const bearer = await org.server({ slug: 'docs', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/mcp', authType: 'BEARER', authSecret: MCP_TOKEN });
    const oauth = await org.server({
      slug: 'oauth', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/mcp', authType: 'OAUTH2',
      authConfig: { tokenUrl: 'http://127.0.0.1:9/token', clientId: 'odock' }, authSecret: CLIENT_SECRET,
    });
    const stdio = await org.server({ slug: 'local', transport: 'STDIO', stdioCommand: 'everything' });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [bearer.id, { endpointUrl: `${capture.url}/mcp` }, 'endpointUrl'],
      [bearer.id, { transport: 'SSE', endpointUrl: `${capture.url}/sse` }, 'endpointUrl'],
      [oauth.id, { authConfig: { tokenUrl: `${capture.url}/token`, clientId: 'odock' } }, 'authConfig.tokenUrl'],
      [bearer.id, { authType: 'OAUTH2', authConfig: { tokenUrl: `${capture.url}/token`, clientId: 'x' }, authSecret: 'their-own' }, 'authConfig.tokenUrl'],
      [stdio.id, { stdioCommand: 'everything-edited' }, 'stdioCommand'],
      [stdio.id, { transport: 'STREAMABLE_HTTP', endpointUrl: `${capture.url}/mcp` }, 'endpointUrl'],
    ];
    for (const [id, body, field] of cases) {
      const path = `${org.base}/mcp-servers/${id}`;
      const before = await org.admin.ok('GET', path);
      const r = await manager.patch(path, body);
      assert.equal(r.status, 403, `${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'forbidden');
      assert.equal(r.body.error.field, field);
      assert.deepEqual(await org.admin.ok('GET', path), before, 'nothing changed');
    }
    for (const body of [
      { slug: 'mine', transport: 'STREAMABLE_HTTP', endpointUrl: `${capture.url}/mcp` },
      { slug: 'mine-stdio', transport: 'STDIO', stdioCommand: 'everything' },
    ]) {
      const r = await manager.post(`${org.base}/mcp-servers`, { name: body.slug, ...body });
      assert.equal(r.status, 403, JSON.stringify(body));
      assert.equal(r.body.error.code, 'forbidden');
    }
    assert.deepEqual((await org.admin.ok('GET', `${org.base}/mcp-servers`)).items.map((s: { slug: string }) => s.slug).sort(), ['docs', 'local', 'oauth']);

    // The console's edit form sends every field back: with unchanged destinations a manager may save.
    const view = await org.admin.ok('GET', `${org.base}/mcp-servers/${oauth.id}`);
    const saved = await manager.patch(`${org.base}/mcp-servers/${oauth.id}`, {
      name: view.name, transport: view.transport, endpointUrl: view.endpointUrl, authType: view.authType, authConfig: view.authConfig, blockedTools: ['admin_reset'],
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));

    // Calls still go where the admin said: the manager's host hears nothing.
    const k = await org.key([bearer.id, oauth.id]);
    await rawPost(odock, 'docs', k.secret, INIT);
    await rawPost(odock, 'oauth', k.secret, INIT);
    assert.equal(capture.seen.length, 0);
    // An admin may change them.
    assert.equal((await org.admin.patch(`${org.base}/mcp-servers/${bearer.id}`, { endpointUrl: 'http://127.0.0.1:10/mcp' })).status, 200);
    assert.equal((await org.admin.patch(`${org.base}/mcp-servers/${stdio.id}`, { stdioCommand: 'everything-edited' })).status, 200);
  });

  test('a baseUrl, endpointUrl or tokenUrl with credentials in it → 400 naming the field', async () => {
    const providers = (await org.admin.ok('GET', `${org.base}/providers`)).items;
    const openai = providers.find((p: { type: string }) => p.type === 'OPENAI').provider;
    const withCreds = ['https://user:pass@api.example.com/v1', 'https://token@api.example.com/v1', 'http://:secret@127.0.0.1:9/x'];
    for (const url of withCreds) {
      const p = await org.admin.patch(`${org.base}/providers/${openai.id}`, { baseUrl: url });
      assert.deepEqual([p.status, p.body.error.field], [400, 'baseUrl'], url);
      assert.ok(!JSON.stringify(p.body).includes(new URL(url).host) && !/pass@|token@|secret@/.test(JSON.stringify(p.body)), 'the credential is not echoed');
      const m = await org.admin.post(`${org.base}/mcp-servers`, { name: 'c', slug: 'creds', transport: 'STREAMABLE_HTTP', endpointUrl: url });
      assert.deepEqual([m.status, m.body.error.field], [400, 'endpointUrl'], url);
      const t = await org.admin.post(`${org.base}/mcp-servers`, {
        name: 'c', slug: 'creds', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/mcp',
        authType: 'OAUTH2', authConfig: { tokenUrl: url, clientId: 'x' }, authSecret: 's',
      });
      assert.deepEqual([t.status, t.body.error.field], [400, 'authConfig.tokenUrl'], url);
    }
    assert.equal((await org.admin.ok('GET', `${org.base}/providers/${openai.id}`)).baseUrl.includes('@'), false);
  });
});
