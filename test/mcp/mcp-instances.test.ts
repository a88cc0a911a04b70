import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { needRedis } from '../helpers/services.ts';
import { startRecordingMcpServer, type RecordingMcpServer } from './fixtures/recording-mcp-server.ts';
import { McpAdmin, rawPost, INIT } from './mcp-setup.ts';

describe('MCP across two Odock instances sharing storage and Redis', async () => {
  const skip = await needRedis();
  let a: TestOdock;
  let b: TestOdock;
  let upstream: RecordingMcpServer;
  let org: McpAdmin;
  let serverId: string;

  before(async () => {
    if (skip) return;
    upstream = await startRecordingMcpServer();
    a = await startOdock({ redis: true });
    b = await startOdock({ shareWith: a });
    org = await McpAdmin.forDefaultOrg(a);
    serverId = (await org.server({ slug: 'shared', transport: 'STREAMABLE_HTTP', endpointUrl: upstream.url, blockedTools: ['admin_reset'] })).id;
  });
  after(async () => {
    if (skip) return;
    await b?.close();
    await a?.close();
    await upstream?.close();
  });

  test('a session opened on one instance continues on the other (no shared session state needed)', { skip }, async () => {
    const { secret } = await org.key([serverId]);
    const init = await rawPost(a, 'shared', secret, INIT);
    const h = { 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-06-18' };
    await rawPost(a, 'shared', secret, { jsonrpc: '2.0', method: 'notifications/initialized' }, h);
    const r = await rawPost(b, 'shared', secret, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, h);
    assert.equal(r.status, 200);
    const names = r.json.result.tools.map((t: { name: string }) => t.name);
    assert.ok(names.includes('echo') && !names.includes('admin_reset'));
  });

  test('a revoke through one instance cuts the other\'s next request and its open stream', { skip }, async () => {
    const k = await org.key([serverId]);
    const init = await rawPost(b, 'shared', k.secret, INIT);
    const h = { 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-06-18' };
    assert.equal((await rawPost(b, 'shared', k.secret, { jsonrpc: '2.0', id: 1, method: 'ping' }, h)).status, 200);
    const stream = await fetch(`${b.url}/v1/mcp/shared`, { headers: { authorization: `Bearer ${k.secret}`, accept: 'text/event-stream', ...h } });
    assert.equal(stream.status, 200);
    const ended = stream.text().then(() => 'ended', () => 'ended');
    await org.revoke(k.keyId); // through instance a
    assert.equal((await rawPost(b, 'shared', k.secret, { jsonrpc: '2.0', id: 2, method: 'ping' }, h)).status, 401);
    assert.equal(await Promise.race([ended, new Promise((r) => setTimeout(() => r('still open'), 3000))]), 'ended');
  });
});
