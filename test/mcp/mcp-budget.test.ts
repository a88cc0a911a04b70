// A price per MCP tool call, counted in the key's budgets: charged for calls that reached the
// server, refused with a JSON-RPC error once the budget is spent, and carried by the usage record.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { startRecordingMcpServer, type RecordingMcpServer } from './fixtures/recording-mcp-server.ts';
import { connectClient, McpAdmin } from './mcp-setup.ts';

describe('MCP tool calls in budgets', () => {
  let odock: TestOdock;
  let upstream: RecordingMcpServer;
  let org: McpAdmin;

  before(async () => {
    upstream = await startRecordingMcpServer();
    odock = await startOdock();
    org = await McpAdmin.forDefaultOrg(odock);
  });
  after(async () => {
    await odock?.close();
    await upstream?.close();
  });

  test('each tool call costs the server\'s price; over budget the call is a JSON-RPC error naming the budget', async () => {
    const server = await org.server({ slug: 'priced', transport: 'STREAMABLE_HTTP', endpointUrl: upstream.url, priceUsd: '0.25' });
    const shown = await org.admin.ok('GET', `${org.base}/mcp-servers/${server.id}`);
    assert.equal(shown.priceUsd, '0.25');
    const { keyId, secret } = await org.key([server.id]);
    const budget = await org.admin.ok('POST', `${org.base}/budgets`, { ownerType: 'API_KEY', ownerId: keyId, period: 'DAILY', amountUsd: '0.50' });
    const { client } = await connectClient(odock, 'priced', secret);
    try {
      // Listing tools is free.
      await client.listTools();
      await client.callTool({ name: 'echo', arguments: { text: 'one' } });
      await client.callTool({ name: 'echo', arguments: { text: 'two' } });
      const seen = upstream.seen.length;
      await assert.rejects(client.callTool({ name: 'echo', arguments: { text: 'three' } }), (e: unknown) => {
        assert.ok(e instanceof McpError, String(e));
        assert.equal((e.data as any).code, 'budget_exceeded');
        assert.equal((e.data as any).scope, 'key');
        assert.equal((e.data as any).limit, '0.50');
        return true;
      });
      assert.equal(upstream.seen.length, seen, 'the refused call never reached the server');
    } finally {
      await client.close();
    }
    await waitFor(async () => (await org.admin.ok('GET', `${org.base}/budgets/${budget.id}`)).spentUsd === '0.50');
    await odock.deps.usage.flush();
    const costs = await odock.deps.store.db.selectFrom('mcp_usage_records').select(['tool', 'cost_nano_usd', 'error_code']).where('api_key_id', '=', keyId).where('tool', '=', 'echo').execute();
    assert.deepEqual(costs.map((c) => [Number(c.cost_nano_usd), c.error_code]).sort(), [[0, 'budget_exceeded'], [250_000_000, null], [250_000_000, null]]);
  });
});
