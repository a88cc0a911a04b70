import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { everythingStdio, startEverything, type EverythingServer } from './fixtures/everything-server.ts';
import { writeAllowlist, type AllowlistFile } from './fixtures/stdio-allowlist.ts';
import { allToolNames, connectClient, McpAdmin } from './mcp-setup.ts';

type Kind = 'STDIO' | 'SSE' | 'STREAMABLE_HTTP';

/**
 * The reference "everything" server behind Odock over each transport Odock supports upstream;
 * the client always speaks streamable HTTP to Odock.
 */
for (const kind of ['STDIO', 'SSE', 'STREAMABLE_HTTP'] as Kind[]) {
  describe(`server-everything over ${kind}, bridged to streamable HTTP`, () => {
    let odock: TestOdock;
    let upstream: EverythingServer | undefined;
    let org: McpAdmin;
    let serverId: string;
    let secret: string;
    let keyId: string;
    let allowlist: AllowlistFile | undefined;

    before(async () => {
      if (kind !== 'STDIO') upstream = await startEverything(kind === 'SSE' ? 'sse' : 'streamableHttp');
      else allowlist = writeAllowlist();
      odock = await startOdock({ env: allowlist?.env });
      org = await McpAdmin.forDefaultOrg(odock);
      const def = kind === 'STDIO' ? everythingStdio() : { transport: kind, endpointUrl: upstream!.url };
      serverId = (await org.server({ slug: 'everything', ...def, blockedTools: ['get-env', 'gzip-file-as-resource'] })).id;
      ({ secret, keyId } = await org.key([serverId]));
    });
    after(async () => {
      await odock?.close();
      await upstream?.close();
      allowlist?.remove();
    });

    test('lists tools without the blocked ones and calls the allowed ones', async () => {
      const { client } = await connectClient(odock, 'everything', secret);
      try {
        assert.equal(client.getServerVersion()?.name, 'mcp-servers/everything');
        const names = await allToolNames(client);
        assert.ok(names.includes('echo') && names.includes('get-sum'), names.join());
        assert.ok(!names.includes('get-env') && !names.includes('gzip-file-as-resource'));
        assert.deepEqual((await client.callTool({ name: 'echo', arguments: { message: 'over ' + kind } })).content, [{ type: 'text', text: `Echo: over ${kind}` }]);
        const sum = await client.callTool({ name: 'get-sum', arguments: { a: 19, b: 23 } });
        assert.match(JSON.stringify(sum.content), /42/);
        for (const name of ['get-env', 'Get-Env', 'get-env ', 'gеt-env']) {
          await assert.rejects(client.callTool({ name, arguments: {} }), (e) => e instanceof McpError && (e.data as { code?: string })?.code === 'mcp_tool_blocked');
        }
      } finally {
        await client.close();
      }
    });

    test('other methods pass through: resources, prompts, ping, progress notifications', async () => {
      const { client } = await connectClient(odock, 'everything', secret);
      try {
        await client.ping();
        assert.ok((await client.listResources()).resources.length > 0);
        assert.ok((await client.listPrompts()).prompts.length > 0);
        const progress: number[] = [];
        const r = await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
        assert.match(JSON.stringify(r.content), /completed/i);
        assert.deepEqual(progress, [1, 2, 3]);
      } finally {
        await client.close();
      }
    });

    test('two clients at once each get their own answers', async () => {
      const a = await connectClient(odock, 'everything', secret);
      const b = await connectClient(odock, serverId, secret);
      try {
        const calls = [];
        for (let i = 0; i < 5; i++) {
          calls.push(a.client.callTool({ name: 'echo', arguments: { message: `a${i}` } }));
          calls.push(b.client.callTool({ name: 'echo', arguments: { message: `b${i}` } }));
        }
        const texts = (await Promise.all(calls)).map((r) => (r.content as { text: string }[])[0].text);
        assert.deepEqual(texts, [0, 1, 2, 3, 4].flatMap((i) => [`Echo: a${i}`, `Echo: b${i}`]));
      } finally {
        await a.client.close();
        await b.client.close();
      }
    });

    test('usage records for bridged calls', async () => {
      await odock.deps.usage.flush();
      const records = await org.usage(`apiKeyId=${keyId}`, 10);
      assert.ok(records.some((r) => r.method === 'tools/call' && r.tool === 'echo' && r.status === 200 && !r.blocked && r.bytesOut > 0));
      assert.ok(records.some((r) => r.method === 'tools/call' && r.tool === 'get-env' && r.blocked && r.errorCode === 'mcp_tool_blocked'));
      assert.ok(records.some((r) => r.method === 'initialize'));
      for (const r of records) assert.equal(r.mcpServerId, serverId);
    });
  });
}
