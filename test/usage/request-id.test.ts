import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { DIALECTS, needPostgres } from '../helpers/services.ts';
import { postChat } from '../helpers/chat.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { startRecordingMcpServer, type RecordingMcpServer } from '../mcp/fixtures/recording-mcp-server.ts';
import { McpAdmin, rawPost, type McpKey } from '../mcp/mcp-setup.ts';

const PROVIDER_KEY = 'sk-upstream-request-id-0001';
const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };

/**
 * The client's X-Request-Id is a label, never a key: repeating it, or a key of another
 * organisation using it first, must never merge or drop a usage record (product.md "Trust boundary").
 */
for (const dialect of DIALECTS) {
  describe(`a client-chosen X-Request-Id never merges or drops usage records (${dialect})`, () => {
    let skip: string | undefined;
    let o: TestOdock;
    let fake: FakeOpenAI;
    let upstream: RecordingMcpServer;
    let a: SetupResult;
    let b: SetupResult;
    let mcpA: McpAdmin;
    let mcpB: McpAdmin;
    let mcpKeyA: McpKey;
    let mcpKeyB: McpKey;

    before(async () => {
      if (dialect === 'postgres') skip = await needPostgres();
      if (skip) return;
      fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
      upstream = await startRecordingMcpServer();
      o = await startOdock({ dialect });
      a = await setupKey(o, { baseUrl: fake.url, providerKey: PROVIDER_KEY });
      const orgB = await a.client.ok('POST', '/api/organisations', { name: `org-b-${randomUUID().slice(0, 8)}` });
      b = await setupKey(o, { client: a.client, orgId: orgB.id, baseUrl: fake.url, providerKey: PROVIDER_KEY });
      mcpA = new McpAdmin(a.client, a.orgId);
      mcpB = new McpAdmin(a.client, orgB.id);
      mcpKeyA = await mcpA.key([(await mcpA.server({ slug: 'rec', transport: 'STREAMABLE_HTTP', endpointUrl: upstream.url })).id]);
      mcpKeyB = await mcpB.key([(await mcpB.server({ slug: 'rec', transport: 'STREAMABLE_HTTP', endpointUrl: upstream.url })).id]);
    });
    after(async () => {
      await o?.close();
      await fake?.close();
      await upstream?.close();
    });

    const usage = async (orgId: string, keyId: string, mcp = false) => {
      await o.deps.usage.flush();
      return (await a.client.ok('GET', `/api/organisations/${orgId}/usage${mcp ? '/mcp' : ''}?apiKeyId=${keyId}&limit=200`)).items as any[];
    };

    it('five calls with one X-Request-Id leave five records, each echoing it', async (t) => {
      if (skip) return t.skip(skip);
      const id = `same-${randomUUID()}`;
      for (let i = 0; i < 5; i++) {
        const res = await postChat(o.url, a.secret, {}, { 'x-request-id': id });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('x-request-id'), id);
        await res.arrayBuffer();
      }
      const records = (await usage(a.orgId, a.keyId)).filter((r) => r.requestId === id);
      assert.equal(records.length, 5);
      assert.equal(new Set(records.map((r) => r.id)).size, 5, 'each record has its own id');
      for (const r of records) assert.notEqual(r.id, id, 'the record id is the gateway\'s, not the client\'s');
    });

    it('a key of another organisation using the same ids first does not drop the first organisation\'s records', async (t) => {
      if (skip) return t.skip(skip);
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of ids) await (await postChat(o.url, b.secret, {}, { 'x-request-id': id })).arrayBuffer();
      await o.deps.usage.flush();
      for (const id of ids) {
        const res = await postChat(o.url, a.secret, {}, { 'x-request-id': id });
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      }
      const mine = await usage(a.orgId, a.keyId);
      const theirs = await usage(b.orgId, b.keyId);
      for (const id of ids) {
        assert.equal(mine.filter((r) => r.requestId === id).length, 1, `A's call ${id} is recorded in A`);
        assert.equal(theirs.filter((r) => r.requestId === id).length, 1, `B's call ${id} is recorded in B`);
      }
    });

    it('MCP: repeated and foreign X-Request-Ids still leave one record per call', async (t) => {
      if (skip) return t.skip(skip);
      const same = `mcp-same-${randomUUID()}`;
      for (let i = 0; i < 5; i++) {
        const r = await rawPost(o, 'rec', mcpKeyA.secret, ping, { 'x-request-id': same });
        assert.equal(r.headers.get('x-request-id'), same);
      }
      const burnt = randomUUID();
      await rawPost(o, 'rec', mcpKeyB.secret, ping, { 'x-request-id': burnt });
      await o.deps.usage.flush();
      await rawPost(o, 'rec', mcpKeyA.secret, ping, { 'x-request-id': burnt });
      const mine = await usage(a.orgId, mcpKeyA.keyId, true);
      assert.equal(mine.filter((r) => r.requestId === same).length, 5);
      assert.equal(mine.filter((r) => r.requestId === burnt).length, 1, 'A\'s call with an id B used first is recorded');
      assert.equal((await usage(b.orgId, mcpKeyB.keyId, true)).filter((r) => r.requestId === burnt).length, 1);
    });
  });
}
