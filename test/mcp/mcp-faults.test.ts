import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { startRecordingMcpServer, type RecordingMcpServer } from './fixtures/recording-mcp-server.ts';
import { connectClient, McpAdmin, rawPost } from './mcp-setup.ts';

const call = (name: string, id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

describe('MCP upstream faults and clients that leave', () => {
  let odock: TestOdock;
  let upstream: RecordingMcpServer;
  let org: McpAdmin;
  let secret: string;
  let keyId: string;
  const hanging: ServerResponse[] = [];
  let hangClosed = 0;

  before(async () => {
    upstream = await startRecordingMcpServer({
      intercept(req, res, body) {
        const name = body?.method === 'tools/call' ? body.params?.name : undefined;
        if (name === 'fail500') {
          res.writeHead(500, { 'content-type': 'text/html' }).end('<html>stack trace at /srv/app.js</html>');
          return true;
        }
        if (name === 'html200') {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login page</html>');
          return true;
        }
        if (name === 'die_mid_stream') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'working' } })}\n\n`);
          setTimeout(() => res.socket?.destroy(), 50);
          return true;
        }
        if (name === 'hang') {
          hanging.push(res);
          res.once('close', () => hangClosed++);
          return true;
        }
        return false;
      },
    });
    odock = await startOdock();
    org = await McpAdmin.forDefaultOrg(odock);
    const s = await org.server({ slug: 'faulty', transport: 'STREAMABLE_HTTP', endpointUrl: upstream.url });
    const dead = await org.server({ slug: 'dead', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/mcp' });
    ({ secret, keyId } = await org.key([s.id, dead.id]));
  });
  after(async () => {
    for (const r of hanging) r.destroy();
    await odock?.close();
    await upstream?.close();
  });

  test('an upstream 5xx or a non-MCP answer → 502 mcp_upstream_error, nothing of the upstream\'s body', async () => {
    for (const name of ['fail500', 'html200']) {
      const r = await rawPost(odock, 'faulty', secret, call(name));
      assert.equal(r.status, 502, name);
      assert.equal(r.json.error.code, 'mcp_upstream_error');
      assert.ok(!r.text.includes('html') && !r.text.includes(upstream.url));
    }
    const { client } = await connectClient(odock, 'faulty', secret);
    await assert.rejects(client.callTool({ name: 'fail500', arguments: {} }), (e) => e instanceof StreamableHTTPError && e.code === 502);
    await client.close();
  });

  test('an unreachable upstream → 502 mcp_upstream_error without its address', async () => {
    const r = await rawPost(odock, 'dead', secret, call('echo'));
    assert.equal(r.status, 502);
    assert.equal(r.json.error.code, 'mcp_upstream_error');
    assert.ok(!r.text.includes('127.0.0.1:9'));
  });

  test('an upstream that dies mid-stream: the caller gets a JSON-RPC error, never silence', async () => {
    const { client } = await connectClient(odock, 'faulty', secret);
    try {
      await assert.rejects(client.callTool({ name: 'die_mid_stream', arguments: {} }), (e) => e instanceof McpError && (e.data as { code?: string })?.code === 'mcp_upstream_error');
    } finally {
      await client.close();
    }
  });

  test('a client that leaves mid-call: the upstream request is dropped and the record says 499', async () => {
    const ac = new AbortController();
    const pending = fetch(`${odock.url}/v1/mcp/faulty`, {
      method: 'POST', signal: ac.signal,
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-request-id': 'leaving-client-1' },
      body: JSON.stringify(call('hang', 5)),
    }).catch(() => 'aborted');
    await waitFor(() => hanging.length === 1);
    ac.abort();
    assert.equal(await pending, 'aborted');
    await waitFor(() => hangClosed === 1, 5000);
    await odock.deps.usage.flush();
    const records = await org.usage(`apiKeyId=${keyId}`, 1);
    const rec = records.find((r) => r.requestId === 'leaving-client-1');
    assert.ok(rec, 'the call is recorded');
    assert.equal(rec.status, 499);
    assert.equal(rec.errorCode, 'client_disconnected');
    assert.equal(rec.tool, 'hang');
  });
});
