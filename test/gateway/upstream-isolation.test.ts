// Red-team finding (issue 10): every organisation shared one pool of 128/256 connections per
// upstream origin, so one tenant holding long provider streams or open MCP GET streams could
// starve every other tenant's calls to the same upstream. Pools are now per (organisation,
// origin) (UPSTREAM_MAX_CONNECTIONS_PER_ORG) and open MCP streams are capped per organisation
// (MCP_MAX_OPEN_STREAMS_PER_ORG, 429 concurrency_exceeded).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { postChat } from '../helpers/chat.ts';
import { McpAdmin, INIT, rawPost, type McpKey } from '../mcp/mcp-setup.ts';

const CAP = 2;
const ENV = { UPSTREAM_MAX_CONNECTIONS_PER_ORG: String(CAP), MCP_MAX_OPEN_STREAMS_PER_ORG: String(CAP) };
const KEY_A = 'sk-organisation-a-provider-key';
const KEY_B = 'sk-organisation-b-provider-key';

interface Fake {
  url: string;
  /** Requests received, by the credential they carried. */
  received: Map<string, number>;
  /** Responses held open, ended by release(). */
  held: ServerResponse[];
  release(): void;
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string, fake: Fake) => void): Promise<Fake> {
  const fake: Fake = {
    url: '', received: new Map(), held: [],
    release: () => {},
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const who = String(req.headers.authorization ?? '');
      fake.received.set(who, (fake.received.get(who) ?? 0) + 1);
      handler(req, res, body, fake);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

const chunk = (delta: Record<string, unknown>, finish: string | null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

/** An OpenAI-style upstream: organisation A's calls stream until released, B's answer at once. */
function fakeProvider(): Promise<Fake> {
  return listen((req, res, body, fake) => {
    if (req.headers.authorization === `Bearer ${KEY_A}`) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: 'held' }, null));
      fake.held.push(res);
      fake.release = () => {
        for (const r of fake.held.splice(0)) r.end(`${chunk({}, 'stop')}data: [DONE]\n\n`);
      };
      return;
    }
    assert.equal(JSON.parse(body).stream ?? false, false);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      id: 'c2', object: 'chat.completion', created: 1, model: 'gpt-4.1-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'answer for B' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 3, total_tokens: 4 },
    }));
  });
}

/** A streamable HTTP MCP upstream whose GET streams stay open until the client leaves. */
function fakeMcp(): Promise<Fake> {
  return listen((req, res, body, fake) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
      fake.held.push(res);
      return;
    }
    const msg = JSON.parse(body);
    if (msg.method !== 'initialize') return void res.writeHead(202).end();
    res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'upstream-session' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'fake', version: '1' } } }));
  });
}

describe('one organisation cannot starve another\'s calls to the same upstream', () => {
  let odock: TestOdock;
  let orgA: McpAdmin;
  let orgB: McpAdmin;

  before(async () => {
    odock = await startOdock({ env: ENV });
    orgA = await McpAdmin.forDefaultOrg(odock);
    orgB = await orgA.otherOrg('tenant-b');
  });
  after(async () => {
    await odock?.close();
  });

  test(`provider calls: A holds ${CAP} long streams (and queues one more); B's call to the same upstream succeeds`, async () => {
    const fake = await fakeProvider();
    try {
      const a: SetupResult = await setupKey(odock, { client: orgA.admin, orgId: orgA.orgId, baseUrl: `${fake.url}/v1`, providerKey: KEY_A });
      const b: SetupResult = await setupKey(odock, { client: orgB.admin, orgId: orgB.orgId, baseUrl: `${fake.url}/v1`, providerKey: KEY_B });
      const streams = Array.from({ length: CAP + 1 }, () => postChat(odock.url, a.secret, { stream: true }));
      await waitFor(() => fake.received.get(`Bearer ${KEY_A}`) === CAP, 10_000);

      const res = await postChat(odock.url, b.secret);
      assert.equal(res.status, 200);
      assert.equal((await res.json()).choices[0].message.content, 'answer for B');
      // A's extra call waits for one of A's own connections, never for a connection B needs.
      assert.equal(fake.received.get(`Bearer ${KEY_A}`), CAP, 'A never has more than its cap in flight to the origin');

      fake.release();
      await waitFor(() => fake.received.get(`Bearer ${KEY_A}`) === CAP + 1, 10_000);
      fake.release();
      for (const s of await Promise.all(streams)) {
        assert.equal(s.status, 200);
        assert.match(await s.text(), /\[DONE\]/);
      }
    } finally {
      fake.release();
      await fake.close();
    }
  });

  test(`MCP: A holds ${CAP} open GET streams, one more → 429 concurrency_exceeded; B still streams and calls the same upstream`, async () => {
    const fake = await fakeMcp();
    const aborts: AbortController[] = [];
    const openStream = async (key: McpKey) => {
      const ac = new AbortController();
      aborts.push(ac);
      return fetch(`${odock.url}/v1/mcp/shared`, { headers: { authorization: `Bearer ${key.secret}`, accept: 'text/event-stream' }, signal: ac.signal });
    };
    try {
      const sa = await orgA.server({ slug: 'shared', transport: 'STREAMABLE_HTTP', endpointUrl: `${fake.url}/mcp`, authType: 'BEARER', authSecret: 'token-a' });
      const sb = await orgB.server({ slug: 'shared', transport: 'STREAMABLE_HTTP', endpointUrl: `${fake.url}/mcp`, authType: 'BEARER', authSecret: 'token-b' });
      const keyA = await orgA.key([sa.id]);
      const keyB = await orgB.key([sb.id]);

      for (let i = 0; i < CAP; i++) assert.equal((await openStream(keyA)).status, 200);
      await waitFor(() => fake.received.get('Bearer token-a') === CAP, 10_000);
      const over = await openStream(keyA);
      assert.equal(over.status, 429);
      const err = await over.json();
      assert.equal(err.error.code, 'concurrency_exceeded');
      assert.match(err.error.message, /open MCP streams/);
      assert.equal(fake.received.get('Bearer token-a'), CAP, 'the refused stream never reached the upstream');

      // B, same upstream origin: a stream and a call both go through.
      assert.equal((await openStream(keyB)).status, 200);
      await waitFor(() => fake.received.get('Bearer token-b') === 1, 10_000);
      const init = await rawPost(odock, 'shared', keyB.secret, INIT);
      assert.equal(init.status, 200);
      assert.equal(init.json.result.serverInfo.name, 'fake');

      // A stream A closes gives its slot back.
      aborts[0].abort();
      await waitFor(async () => {
        const r = await openStream(keyA);
        if (r.status === 200) return true;
        await r.body?.cancel();
        return false;
      }, 10_000, 50);
    } finally {
      for (const ac of aborts) ac.abort();
      await fake.close();
    }
  });
});
