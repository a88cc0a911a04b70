import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { DIALECTS, needPostgres } from '../helpers/services.ts';
import { startRecordingMcpServer, type RecordingMcpServer } from './fixtures/recording-mcp-server.ts';
import { allToolNames, connectClient, McpAdmin, rawPost, INIT } from './mcp-setup.ts';

// Spelled variants of a blocked and of a non-allowed tool; the fixture server would run any of
// them (its lookup folds case, whitespace and compatibility forms), so only the gateway stands between.
const VARIANTS = [
  'secret_dump', 'Secret_dump', 'SECRET_DUMP', 'secret_dump ', ' secret_dump', 'secret_dump\u200b', 'sеcret_dump' /* Cyrillic е */,
  'ｓｅｃｒｅｔ_ｄｕｍｐ' /* fullwidth */, 'secret_dump\u0000', 'admin_reset', 'Admin_Reset', 'admin_reset\t',
];

for (const dialect of DIALECTS) {
  for (const json of [false, true]) {
    describe(`MCP tool rules through Odock (${dialect}, upstream answers ${json ? 'JSON' : 'SSE'})`, async () => {
      const skip = dialect === 'postgres' ? await needPostgres() : undefined;
      let odock: TestOdock;
      let upstream: RecordingMcpServer;
      let org: McpAdmin;
      let serverId: string;
      let secret: string;
      let keyId: string;

      before(async () => {
        if (skip) return;
        upstream = await startRecordingMcpServer({ json, pageSize: 2 });
        odock = await startOdock({ dialect });
        org = await McpAdmin.forDefaultOrg(odock);
        const s = await org.server({
          slug: 'tools', transport: 'STREAMABLE_HTTP', endpointUrl: upstream.url,
          allowedTools: ['echo', 'add', 'secret_dump', 'slow_count'], blockedTools: ['secret_dump'],
        });
        serverId = s.id;
        ({ secret, keyId } = await org.key([serverId]));
      });
      after(async () => {
        if (skip) return;
        await odock?.close();
        await upstream?.close();
      });

      test('tools/list shows only allowed, unblocked tools, on every page', { skip }, async () => {
        const { client } = await connectClient(odock, 'tools', secret);
        try {
          const names = await allToolNames(client);
          assert.deepEqual(names.sort(), ['add', 'echo', 'slow_count']);
          // The upstream served three pages of two; the cursor survived the filtering.
          const first = await client.listTools();
          assert.deepEqual(first.tools.map((t) => t.name), ['echo', 'add']);
          assert.equal(first.nextCursor, '2');
          const second = await client.listTools({ cursor: '2' });
          assert.deepEqual(second.tools.map((t) => t.name), [], 'secret_dump (blocked) and admin_reset (not allowed) are gone');
        } finally {
          await client.close();
        }
      });

      test('allowed tools are called; the server id works as well as the slug', { skip }, async () => {
        const { client } = await connectClient(odock, serverId, secret);
        try {
          const r = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
          assert.deepEqual(r.content, [{ type: 'text', text: '42' }]);
          const e = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
          assert.deepEqual(e.content, [{ type: 'text', text: 'echo:hi' }]);
          // Progress notifications of a tool call reach the caller.
          const progress: number[] = [];
          const slow = await client.callTool({ name: 'slow_count', arguments: {} }, undefined, { onprogress: (p) => progress.push(p.progress) });
          assert.deepEqual(slow.content, [{ type: 'text', text: 'counted to 3' }]);
          // A server answering in JSON has no stream to send progress on; over SSE it arrives.
          if (!json) assert.deepEqual(progress, [1, 2, 3]);
        } finally {
          await client.close();
        }
      });

      test('blocked and non-allowed tools are refused however they are spelled', { skip }, async () => {
        const before = upstream.calls.length;
        const { client } = await connectClient(odock, 'tools', secret);
        try {
          for (const name of VARIANTS) {
            await assert.rejects(client.callTool({ name, arguments: { text: 'x' } }), (e: unknown) => {
              assert.ok(e instanceof McpError, `${JSON.stringify(name)}: a JSON-RPC error`);
              assert.deepEqual(e.data, { code: 'mcp_tool_blocked' });
              return true;
            });
          }
        } finally {
          await client.close();
        }
        assert.deepEqual(upstream.calls.slice(before), [], 'the upstream ran none of them');
      });

      test('a batch: the blocked call is answered by Odock, the rest by the server', { skip }, async () => {
        const init = await rawPost(odock, 'tools', secret, INIT);
        const session = init.headers.get('mcp-session-id')!;
        const h = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
        await rawPost(odock, 'tools', secret, { jsonrpc: '2.0', method: 'notifications/initialized' }, h);
        const r = await rawPost(odock, 'tools', secret, [
          { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'a' } } },
          { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'Secret_Dump', arguments: {} } },
          { jsonrpc: '2.0', id: 3, method: 'Tools/Call', params: { name: 'secret_dump', arguments: {} } },
        ], h);
        // The SDK server rejects batches from 2025-06-18 on; what matters is that only id 1 went upstream.
        const answers = (Array.isArray(r.json) ? r.json : [r.json]).filter((m: any) => m && m.id !== undefined);
        const byId = new Map(answers.map((m: any) => [m.id, m]));
        assert.equal(byId.get(2)?.error?.data?.code, 'mcp_tool_blocked');
        assert.equal(byId.get(3)?.error?.data?.code, 'mcp_tool_blocked');
        assert.ok(!upstream.calls.includes('secret_dump'));
      });

      test('usage records: one per call, with method, tool, bytes and blocked', { skip }, async () => {
        const { client } = await connectClient(odock, 'tools', secret);
        await client.callTool({ name: 'echo', arguments: { text: 'usage' } });
        await assert.rejects(client.callTool({ name: 'admin_reset', arguments: {} }));
        await client.close();
        const records = await odock.deps.usage.flush().then(() => org.usage(`apiKeyId=${keyId}&mcpServerId=${serverId}`, 5));
        const echo = records.find((r) => r.tool === 'echo' && r.method === 'tools/call');
        assert.ok(echo, 'a record for the allowed call');
        assert.equal(echo.blocked, false);
        assert.equal(echo.status, 200);
        assert.ok(echo.bytesIn > 0 && echo.bytesOut > 0);
        const refused = records.find((r) => r.tool === 'admin_reset');
        assert.ok(refused, `a record for the refused call in ${JSON.stringify(records)}`);
        assert.equal(refused.blocked, true);
        assert.equal(refused.errorCode, 'mcp_tool_blocked');
        assert.ok(records.some((r) => r.method === 'initialize'));
        assert.ok(records.some((r) => r.method === 'tools/list'));
        for (const r of records) assert.equal(r.mcpServerId, serverId);
        assert.equal(new Set(records.map((r) => r.requestId)).size, records.length, 'request ids are unique');
      });
    });
  }
}
