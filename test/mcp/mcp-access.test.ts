import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { setupKey } from '../helpers/setup-flow.ts';
import { startRecordingMcpServer, type RecordingMcpServer } from './fixtures/recording-mcp-server.ts';
import { connectClient, McpAdmin, rawPost, INIT } from './mcp-setup.ts';

const httpStatus = (code: number) => (e: unknown) => {
  assert.ok(e instanceof StreamableHTTPError, `expected an HTTP error, got ${String(e)}`);
  assert.equal(e.code, code);
  return true;
};

describe('MCP access: key, server resolution, grant, sessions, Origin', () => {
  let odock: TestOdock;
  let upstream: RecordingMcpServer;
  let otherUpstream: RecordingMcpServer;
  let org: McpAdmin;
  let other: McpAdmin;
  let serverId: string;
  let disabledId: string;
  let otherServerId: string;
  let secret: string;

  before(async () => {
    upstream = await startRecordingMcpServer();
    otherUpstream = await startRecordingMcpServer();
    odock = await startOdock();
    org = await McpAdmin.forDefaultOrg(odock);
    serverId = (await org.server({ slug: 'main', transport: 'STREAMABLE_HTTP', endpointUrl: upstream.url })).id;
    disabledId = (await org.server({ slug: 'off', transport: 'STREAMABLE_HTTP', endpointUrl: upstream.url, enabled: false })).id;
    ({ secret } = await org.key([serverId, disabledId]));
    other = await org.otherOrg();
    otherServerId = (await other.server({ slug: 'theirs', transport: 'STREAMABLE_HTTP', endpointUrl: otherUpstream.url })).id;
    // Same slug in both organisations: each key reaches its own organisation's server.
    await other.server({ slug: 'main', transport: 'STREAMABLE_HTTP', endpointUrl: otherUpstream.url });
  });
  after(async () => {
    await odock?.close();
    await upstream?.close();
    await otherUpstream?.close();
  });

  test('no key, a malformed key or a revoked key → 401', async () => {
    assert.equal((await rawPost(odock, 'main', undefined, INIT)).status, 401);
    const bad = await rawPost(odock, 'main', 'odk-not-a-key', INIT);
    assert.equal(bad.status, 401);
    assert.equal(bad.json.error.code, 'unauthorized');
  });

  test('a granted, enabled server of the key\'s organisation is reached by slug and by id', async () => {
    for (const target of ['main', serverId]) {
      const { client } = await connectClient(odock, target, secret);
      assert.ok((await client.listTools()).tools.length > 0);
      await client.close();
    }
    assert.equal(otherUpstream.seen.length, 0, 'the other organisation\'s server named "main" was never called');
  });

  test('no MCP grant → 403 mcp_not_allowed, even with a model grant', async () => {
    const withModel = await setupKey(odock, { client: org.admin, orgId: org.orgId });
    await assert.rejects(connectClient(odock, 'main', withModel.secret), httpStatus(403));
    const r = await rawPost(odock, 'main', withModel.secret, INIT);
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'mcp_not_allowed');
  });

  test('disabled, unknown, and another organisation\'s servers → 404 mcp_not_found', async () => {
    for (const target of ['off', disabledId, 'nope', 'theirs', otherServerId]) {
      const r = await rawPost(odock, target, secret, INIT);
      assert.equal(r.status, 404, target);
      assert.equal(r.json.error.code, 'mcp_not_found', target);
    }
    await assert.rejects(connectClient(odock, otherServerId, secret), httpStatus(404));
  });

  test('tool-rule and grant changes apply from the next request of an open session', async () => {
    const k = await org.key([serverId]);
    const { client } = await connectClient(odock, 'main', k.secret);
    try {
      assert.ok((await client.listTools()).tools.some((t) => t.name === 'echo'));
      await org.patchServer(serverId, { blockedTools: ['echo'] });
      assert.ok(!(await client.listTools()).tools.some((t) => t.name === 'echo'));
      await org.patchServer(serverId, { blockedTools: [] });
      assert.ok((await client.listTools()).tools.some((t) => t.name === 'echo'));
      await org.admin.ok('DELETE', `${org.base}/api-keys/${k.keyId}/mcp-access/${serverId}`);
      await assert.rejects(client.listTools(), httpStatus(403));
    } finally {
      await client.close();
    }
  });

  test('revoking the key cuts the session off at its next request', async () => {
    const k = await org.key([serverId]);
    const { client } = await connectClient(odock, 'main', k.secret);
    assert.ok((await client.listTools()).tools.length > 0);
    await org.revoke(k.keyId);
    await assert.rejects(client.listTools(), httpStatus(401));
    await client.close();
  });

  test('revoking the key also ends its open GET stream', async () => {
    const k = await org.key([serverId]);
    const init = await rawPost(odock, 'main', k.secret, INIT);
    const sid = init.headers.get('mcp-session-id')!;
    const res = await fetch(`${odock.url}/v1/mcp/main`, { headers: { authorization: `Bearer ${k.secret}`, accept: 'text/event-stream', 'mcp-session-id': sid } });
    assert.equal(res.status, 200);
    const ended = res.text().then(() => 'ended', () => 'ended');
    await org.revoke(k.keyId);
    assert.equal(await Promise.race([ended, new Promise((r) => setTimeout(() => r('still open'), 3000))]), 'ended');
  });

  test('the session id is Odock\'s, bound to the key that opened it', async () => {
    const init = await rawPost(odock, 'main', secret, INIT);
    const sid = init.headers.get('mcp-session-id')!;
    assert.ok(sid);
    assert.ok(!upstream.sessionIds.includes(sid), 'the upstream session id is not shown to the client');
    assert.ok(upstream.sessionIds.every((u) => !sid.includes(u)));
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const h = { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' };
    assert.equal((await rawPost(odock, 'main', secret, list, h)).status, 200);
    // Another key with the same grant cannot use it, nor can anyone use a made-up or upstream id.
    const second = await org.key([serverId]);
    assert.equal((await rawPost(odock, 'main', second.secret, list, h)).status, 404);
    assert.equal((await rawPost(odock, 'main', secret, list, { ...h, 'mcp-session-id': upstream.sessionIds.at(-1)! })).status, 404);
    assert.equal((await rawPost(odock, 'main', secret, list, { ...h, 'mcp-session-id': 'forged' })).status, 404);
    // DELETE ends the upstream session; the id then no longer works.
    const del = await fetch(`${odock.url}/v1/mcp/main`, { method: 'DELETE', headers: { authorization: `Bearer ${secret}`, ...h } });
    assert.equal(del.status, 200);
    assert.equal((await rawPost(odock, 'main', secret, list, h)).status, 404);
  });

  test('a browser Origin of another site is refused; the gateway\'s own host is accepted', async () => {
    const foreign = await rawPost(odock, 'main', secret, INIT, { origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.json.error.code, 'forbidden');
    assert.equal((await rawPost(odock, 'main', secret, INIT, { origin: 'null' })).status, 403);
    assert.equal((await rawPost(odock, 'main', secret, INIT, { origin: odock.url.replace(/:\d+$/, ':1') })).status, 403);
    const own = await rawPost(odock, 'main', secret, INIT, { origin: odock.url });
    assert.equal(own.status, 200);
  });

  test('bad bodies: invalid JSON → 400, wrong content type → 400, neither reaches the upstream', async () => {
    const before = upstream.seen.length;
    const r = await rawPost(odock, 'main', secret, '{"jsonrpc":');
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'invalid_request_body');
    const t = await fetch(`${odock.url}/v1/mcp/main`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'text/plain' }, body: JSON.stringify(INIT) });
    assert.equal(t.status, 400);
    assert.equal(upstream.seen.length, before);
  });
});

describe('MCP upstream address re-checked at request time', () => {
  test('a loopback server saved while private upstreams were allowed is refused once they are not', async () => {
    const upstream = await startRecordingMcpServer();
    const first = await startOdock();
    const second = await startOdock({ shareWith: first, env: { ODOCK_ALLOW_PRIVATE_UPSTREAMS: 'false' } });
    try {
      const org = await McpAdmin.forDefaultOrg(first);
      const s = await org.server({ slug: 'loop', transport: 'STREAMABLE_HTTP', endpointUrl: upstream.url });
      const { secret } = await org.key([s.id]);
      assert.equal((await rawPost(first, 'loop', secret, INIT)).status, 200);
      const before = upstream.seen.length;
      const r = await rawPost(second, 'loop', secret, INIT);
      assert.equal(r.status, 502);
      assert.equal(r.json.error.code, 'mcp_upstream_error');
      assert.ok(!r.text.includes(upstream.url), 'the upstream URL is not in the error');
      assert.equal(upstream.seen.length, before);
    } finally {
      await second.close();
      await first.close();
      await upstream.close();
    }
  });
});
