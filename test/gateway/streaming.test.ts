import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import OpenAI from 'openai';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { FAKE_REPLY, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';

const PROVIDER_KEY = 'sk-upstream-stream';

async function rawStream(o: TestOdock, key: string, model = 'gpt-4.1-mini') {
  const res = await fetch(`${o.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { res, text: await res.text() };
}

describe('streaming through the gateway: framing and faults', () => {
  let o: TestOdock;
  let fake: FakeOpenAI;
  let s: SetupResult;
  let client: OpenAI;

  before(async () => {
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
    o = await startOdock();
    s = await setupKey(o, { baseUrl: fake.url, providerKey: PROVIDER_KEY });
    client = new OpenAI({ baseURL: `${o.url}/v1`, apiKey: s.secret, maxRetries: 0 });
  });
  after(async () => {
    await o?.close();
    await fake?.close();
  });

  const streamText = async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    return text;
  };

  for (const [name, b] of [
    ['split at every byte', { kind: 'split', bytes: 1 }],
    ['split every 7 bytes with CRLF line endings', { kind: 'split', bytes: 7, crlf: true }],
    ['keep-alive comments between events', { kind: 'split', bytes: 64, keepalive: true }],
  ] as const) {
    it(`re-emits the stream faithfully: ${name}`, async () => {
      fake.next(b);
      assert.equal(await streamText(), FAKE_REPLY);
    });
  }

  it('an upstream that dies mid-stream gives the client an error event and no [DONE]', async () => {
    fake.next({ kind: 'hangup', afterChunks: 3 });
    const { res, text } = await rawStream(o, s.secret);
    assert.equal(res.status, 200);
    assert.ok(!text.includes('[DONE]'), text);
    assert.match(text, /"error"/);
    // The SDK raises instead of returning a silently truncated answer.
    fake.next({ kind: 'hangup', afterChunks: 3 });
    await assert.rejects(streamText());
  });

  it('an in-stream upstream error is passed on as an error, not a success', async () => {
    fake.next({ kind: 'stream-error', afterChunks: 2 });
    const { text } = await rawStream(o, s.secret);
    assert.ok(!text.includes('[DONE]'));
    assert.match(text, /error/);
  });

  it('a client that hangs up mid-stream aborts the upstream, and the call is still recorded', async () => {
    fake.next({ kind: 'slow', intervalMs: 50, chunks: 200 });
    const abortsBefore = fake.aborts.length;
    const ac = new AbortController();
    const res = await fetch(`${o.url}/v1/chat/completions`, {
      method: 'POST', signal: ac.signal, headers: { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const requestId = res.headers.get('x-request-id')!;
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    ac.abort();
    await waitFor(() => fake.aborts.length > abortsBefore, 5000, 10);
    await o.deps.usage.flush();
    await waitFor(async () => (await o.deps.store.db.selectFrom('usage_records').select(['status', 'error_code']).where('request_id', '=', requestId).execute()).length === 1, 5000, 20);
    const rec = await o.deps.store.db.selectFrom('usage_records').selectAll().where('request_id', '=', requestId).executeTakeFirstOrThrow();
    assert.equal(rec.error_code, 'client_disconnected');
    assert.equal(rec.streamed, 1);
  });

  it('a client that hangs up before the first token aborts the upstream too', async () => {
    fake.next({ kind: 'delay', ms: 5000 });
    const abortsBefore = fake.aborts.length;
    const ac = new AbortController();
    const pending = fetch(`${o.url}/v1/chat/completions`, {
      method: 'POST', signal: ac.signal, headers: { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    }).catch(() => undefined);
    await waitFor(() => fake.requests.length > 0 && fake.requests.at(-1)!.body?.stream === true, 2000, 10);
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    await pending;
    await waitFor(() => fake.aborts.length > abortsBefore, 5000, 10);
  });
});

describe('a slow reader does not make the gateway buffer the stream', () => {
  let o: TestOdock;
  let upstream: Server;
  let written = 0;
  let upstreamClosed = false;
  let s: SetupResult;
  const TOTAL = 64 * 1024 * 1024;

  before(async () => {
    // An upstream that writes SSE as fast as the gateway reads it, counting what it got out.
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', async () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.on('close', () => (upstreamClosed = true));
        const event = Buffer.from(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'y'.repeat(4000) }, finish_reason: null }] })}\n\n`);
        while (written < TOTAL && !res.destroyed) {
          written += event.length;
          if (!res.write(event)) await new Promise((r) => res.once('drain', r).once('close', r));
        }
        if (!res.destroyed) res.end('data: [DONE]\n\n');
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    o = await startOdock();
    s = await setupKey(o, { providerType: 'VLLM', baseUrl: `http://127.0.0.1:${(upstream.address() as { port: number }).port}/v1` });
  });
  after(async () => {
    await o?.close();
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
  });

  it('reads from the upstream only as fast as the client reads', async () => {
    const u = new URL(o.url);
    const req = httpRequest({ host: u.hostname, port: u.port, path: '/v1/chat/completions', method: 'POST', headers: { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json' } });
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) => {
      req.on('response', resolve);
      req.end(JSON.stringify({ model: 'gpt-4.1-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    });
    assert.equal(res.statusCode, 200);
    res.pause(); // the client stops reading
    await waitFor(() => written > 0, 2000);
    let last = -1;
    // Wait until the upstream is blocked by backpressure (no progress for a while).
    await waitFor(async () => {
      const now = written;
      const stalled = now === last;
      last = now;
      return stalled;
    }, 10_000, 300);
    assert.ok(written < TOTAL / 4, `the upstream wrote ${written} bytes to a client that reads nothing`);
    res.destroy();
    await waitFor(() => upstreamClosed, 5000, 20);
  });
});
