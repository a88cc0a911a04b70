import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { postChat } from '../helpers/chat.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { generateVirtualKey } from '../../src/auth/key-format.ts';

const PROVIDER_KEY = 'sk-upstream-ingress-0001';
const CHAT = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] };

/** A POST whose body is never finished: resolves with the response (if any arrives) while the body is still open. */
function openBodyRequest(base: string, path: string, headers: Record<string, string>): Promise<{ res: IncomingMessage; bodyOpen: boolean; text: Promise<string>; abort(): void }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: 'POST', path, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...headers } });
    req.on('error', reject);
    req.on('response', (res) => {
      const text = new Promise<string>((ok) => {
        let s = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (s += c));
        res.on('end', () => ok(s));
        res.on('close', () => ok(s));
      });
      resolve({ res, bodyOpen: !req.writableEnded, text, abort: () => req.destroy() });
    });
    // 9 MB of nesting would follow; the gateway must answer without waiting for any of it.
    req.write('['.repeat(64 * 1024));
  });
}

/** Sends `head` then `trickle` one byte every `everyMs`; resolves with what the server answered when it closed the connection. */
function trickle(base: string, head: string, tail: string, everyMs: number): Promise<string> {
  const u = new URL(base);
  return new Promise((resolve) => {
    const sock = connect(Number(u.port), u.hostname);
    let got = '';
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    sock.setEncoding('utf8');
    sock.on('data', (d) => (got += d));
    sock.on('error', () => {});
    sock.on('close', () => {
      clearInterval(timer);
      resolve(got);
    });
    sock.on('connect', () => {
      sock.write(head);
      timer = setInterval(() => {
        if (i < tail.length && !sock.destroyed) sock.write(tail[i++]);
        else clearInterval(timer);
      }, everyMs);
    });
  });
}

describe('ingress: the key before the body, bounded bodies, bounded request time', () => {
  let o: TestOdock;
  let fake: FakeOpenAI;
  let s: SetupResult;

  before(async () => {
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
    o = await startOdock({ env: { REQUEST_TIMEOUT_MS: '1000' } });
    s = await setupKey(o, { baseUrl: fake.url, providerKey: PROVIDER_KEY });
  });
  after(async () => {
    await o?.close();
    await fake?.close();
  });

  it('an unauthenticated request gets its 401 while its body is still being sent, on every gateway group', { timeout: 20_000 }, async () => {
    const unknown = generateVirtualKey();
    const cases: Array<[string, Record<string, string>]> = [
      ['/v1/chat/completions', { authorization: 'Bearer odk_not-a-key' }],
      ['/v1/chat/completions', {}],
      ['/v1/chat/completions', { authorization: `Bearer ${unknown}` }],
      ['/v1/embeddings', { authorization: 'Bearer sk-wrong' }],
      ['/v1/responses', { 'x-api-key': 'nope' }],
      ['/v1/messages', { 'x-api-key': unknown }],
      ['/v1beta/models/gpt-4.1-mini:generateContent?key=odk_bad', {}],
      ['/v1beta/models/gpt-4.1-mini:streamGenerateContent?alt=sse', { 'x-goog-api-key': unknown }],
      ['/v1/mcp/anything', { authorization: 'Bearer odk_bad' }],
    ];
    for (const [path, headers] of cases) {
      const r = await openBodyRequest(o.url, path, headers);
      try {
        assert.equal(r.res.statusCode, 401, path);
        assert.ok(r.bodyOpen, `${path}: answered only after the body ended`);
        const body = JSON.parse(await r.text);
        assert.ok(JSON.stringify(body).includes('unauthorized'), `${path}: ${JSON.stringify(body)}`);
      } finally {
        r.abort();
      }
    }
    assert.equal(fake.requests.length, 0);
  });

  it('a valid key is looked up once per request', async () => {
    assert.equal((await postChat(o.url, s.secret)).status, 200);
    const hits = async () => {
      const m = (await o.deps.metrics.registry.getSingleMetric('odock_auth_cache_total')!.get()).values;
      return m.filter((v) => v.labels.tier === 'l1').reduce((n, v) => n + v.value, 0);
    };
    const before = await hits();
    assert.equal((await postChat(o.url, s.secret)).status, 200);
    assert.equal((await fetch(`${o.url}/v1/models`, { headers: { authorization: `Bearer ${s.secret}` } })).status, 200);
    assert.equal(await hits(), before + 2);
  });

  it('JSON nested deeper than MAX_JSON_DEPTH is a 400 naming the limit, on gateway and admin routes alike', async () => {
    const deepArr = `{"model":"gpt-4.1-mini","messages":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const deepObj = `{"model":"gpt-4.1-mini","messages":[{"role":"user","content":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}]}`;
    const over = `{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"hi","x":${'['.repeat(62)}${']'.repeat(62)}}]}`;
    // The login route also has a small body limit (next test): nest within it.
    const deepLogin = `{"email":${'['.repeat(2000)}${']'.repeat(2000)}}`;
    const targets: Array<[string, Record<string, string>, string[]]> = [
      ['/v1/chat/completions', { authorization: `Bearer ${s.secret}` }, [deepArr, deepObj, over]],
      ['/v1beta/models/gpt-4.1-mini:generateContent', { 'x-goog-api-key': s.secret }, [deepArr, deepObj, over]],
      ['/api/auth/login', {}, [deepLogin, over]],
      [`/api/organisations/${s.orgId}/teams`, { authorization: `Bearer ${s.secret}` }, [deepArr, deepObj, over]],
    ];
    for (const [path, headers, bodies] of targets) {
      for (const body of bodies) {
        const res = await fetch(o.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        const text = await res.text();
        assert.equal(res.status, 400, `${path} ${body.slice(0, 40)} → ${res.status} ${text.slice(0, 200)}`);
        assert.ok(text.includes('invalid_request_body') && text.includes('64'), `${path}: ${text.slice(0, 300)}`);
      }
    }
    // Brackets inside strings (and escaped quotes) are text, not nesting.
    const content = `${'['.repeat(5000)}\\"{{{${'{'.repeat(5000)}`;
    const ok = await fetch(`${o.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json' },
      body: `{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"${content}"}]}`,
    });
    assert.equal(ok.status, 200);
    assert.equal(fake.last().body.messages[0].content, content.replace('\\"', '"'));
  });

  it('the login and other /api/auth routes take small bodies only: 413 above 8 KB', async () => {
    const big = JSON.stringify({ email: 'admin@example.test', password: 'x'.repeat(9 * 1024) });
    for (const path of ['/api/auth/login', '/api/auth/tokens']) {
      const res = await fetch(o.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      assert.equal(res.status, 413, path);
      assert.equal(((await res.json()) as any).error.code, 'payload_too_large');
    }
    // Chunked, without a length: cut at the limit as well.
    const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } });
    const res = await fetch(`${o.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    assert.equal(res.status, 413);
    // A normal login still fits.
    const login = await fetch(`${o.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.test', password: 'correct-horse-battery' }) });
    assert.equal(login.status, 200);
  });

  it('a request body trickled in slower than REQUEST_TIMEOUT_MS is cut before it reaches the upstream', { timeout: 60_000 }, async () => {
    const seen = fake.requests.length;
    const body = JSON.stringify({ ...CHAT, messages: [{ role: 'user', content: 'x'.repeat(200) }] });
    const head = `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${s.secret}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const answer = await trickle(o.url, head, body, 100);
    assert.ok(!answer.startsWith('HTTP/1.1 200'), answer.slice(0, 100));
    assert.match(answer, /^(HTTP\/1\.1 408|$)/);
    assert.equal(fake.requests.length, seen);
  });

  it('request headers trickled in forever are cut too (headersTimeout)', { timeout: 30_000 }, async () => {
    const answer = await trickle(o.url, 'GET /v1/health HTTP/1.1\r\nhost: x\r\n', `x-slow: ${'a'.repeat(2000)}\r\n\r\n`, 50);
    assert.match(answer, /^(HTTP\/1\.1 408|$)/);
  });

  it('a streamed answer that lasts longer than REQUEST_TIMEOUT_MS is not cut', { timeout: 20_000 }, async () => {
    fake.next({ kind: 'slow', intervalMs: 150, chunks: 12 });
    const res = await postChat(o.url, s.secret, { stream: true });
    assert.equal(res.status, 200);
    const text = await res.text();
    for (let i = 0; i < 12; i++) assert.ok(text.includes(`w${i} `), `chunk ${i} missing`);
    assert.ok(text.trimEnd().endsWith('data: [DONE]'));
  });

  it('a percent sign in a Gemini model path is a 400, never a 500', async () => {
    for (const seg of ['%25', '%2525', 'a%25b', '%25zz']) {
      const res = await fetch(`${o.url}/v1beta/models/${seg}:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': s.secret, 'content-type': 'application/json' }, body: '{"contents":[{"parts":[{"text":"hi"}]}]}' });
      const body = (await res.json()) as any;
      assert.equal(res.status, 400, `${seg}: ${JSON.stringify(body)}`);
      assert.equal(body.error.details[0].reason, 'model_not_found');
    }
  });

  it('GET /v1/models applies the IP allow and block lists of the key, its team and its organisation', async () => {
    const base = `/api/organisations/${s.orgId}`;
    const keyed = async (body: Record<string, unknown>) => {
      const k = await s.client.ok('POST', `${base}/api-keys`, body);
      await s.client.ok('POST', `${base}/api-keys/${k.id}/model-access`, { modelIds: [s.modelIds['gpt-4.1-mini']] });
      return (await s.client.ok('POST', `${base}/api-keys/${k.id}/reveal`)).key as string;
    };
    const models = (key: string, xff?: string) => fetch(`${o.url}/v1/models`, { headers: { authorization: `Bearer ${key}`, ...(xff ? { 'x-forwarded-for': xff } : {}) } });
    const expect403 = async (res: Response, scope: string) => {
      const body = (await res.json()) as any;
      assert.equal(res.status, 403, JSON.stringify(body));
      assert.equal(body.error.code, 'ip_not_allowed');
      assert.equal(body.error.scope, scope);
    };
    await expect403(await models(await keyed({ type: 'ORGANISATION', policies: { ip: { allowlist: ['10.0.0.0/8'] } } })), 'key');
    await expect403(await models(await keyed({ type: 'ORGANISATION', policies: { ip: { blocklist: ['127.0.0.0/8', '::1/128'] } } }), '8.8.8.8'), 'key');
    const team = await s.client.ok('POST', `${base}/teams`, { name: 'walled', policies: { ip: { allowlist: ['10.0.0.0/8'] } } });
    await expect403(await models(await keyed({ type: 'TEAM', teamId: team.id })), 'team');
    await s.client.ok('PATCH', base, { policies: { ip: { blocklist: ['127.0.0.0/8', '::1/128'] } } });
    try {
      await expect403(await models(s.secret), 'organisation');
    } finally {
      await s.client.ok('PATCH', base, { policies: {} });
    }
    assert.equal((await models(s.secret)).status, 200);
  });
});

/** An OpenAI-shaped upstream whose answers are `bytes` long; in hold mode it stops just before the end until released. */
async function startLargeUpstream(bytes: number) {
  const held: ServerResponse[] = [];
  const state = { hold: true, cutEarly: 0 };
  const head = '{"id":"chatcmpl-big","object":"chat.completion","created":1,"model":"gpt-4.1-mini","choices":[{"index":0,"message":{"role":"assistant","content":"';
  const tail = '"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}';
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes) });
      res.write(head + 'x'.repeat(bytes - head.length - tail.length));
      res.on('close', () => {
        if (!res.writableFinished) state.cutEarly++;
      });
      if (state.hold) held.push(res);
      else res.end(tail);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    state,
    held,
    release: () => held.splice(0).forEach((res) => res.end(tail)),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('ingress: one memory budget for buffered upstream bodies', () => {
  let o: TestOdock;
  let up: Awaited<ReturnType<typeof startLargeUpstream>>;
  let s: SetupResult;
  const SIZE = 700_000;

  before(async () => {
    up = await startLargeUpstream(SIZE);
    o = await startOdock({ env: { MAX_BUFFERED_UPSTREAM_BYTES: String(1 << 20) } });
    s = await setupKey(o, { baseUrl: up.url, providerKey: PROVIDER_KEY });
  });
  after(async () => {
    await o?.close();
    await up?.close();
  });

  const buffered = async () => (await o.deps.metrics.registry.getSingleMetric('odock_upstream_buffered_bytes')!.get()).values[0]?.value ?? 0;

  it('a call that would take the instance over MAX_BUFFERED_UPSTREAM_BYTES gets 502 upstream_error and its upstream socket is closed', { timeout: 30_000 }, async () => {
    const first = postChat(o.url, s.secret);
    // The first answer is held almost whole in the gateway's memory.
    await waitFor(async () => (await buffered()) >= SIZE - 200, 10_000);
    const second = await postChat(o.url, s.secret);
    const body = (await second.json()) as any;
    assert.equal(second.status, 502, JSON.stringify(body));
    assert.equal(body.error.code, 'upstream_error');
    assert.match(body.error.message, /MAX_BUFFERED_UPSTREAM_BYTES/);
    await waitFor(() => up.state.cutEarly === 1, 10_000);

    up.state.hold = false;
    up.release();
    const ok = await first;
    assert.equal(ok.status, 200);
    const content: string = ((await ok.json()) as any).choices[0].message.content;
    assert.ok(content.length > SIZE - 300 && /^x+$/.test(content), 'the whole held answer arrives');
    await waitFor(async () => (await buffered()) === 0, 10_000);
    assert.equal((await postChat(o.url, s.secret)).status, 200, 'the budget is given back');
  });
});
