// An upstream that quotes the provider key in an error (mid-stream or not) must never hand it to the
// client: the literal key used for the call is scrubbed, raw, JSON-escaped or URL-encoded, even when
// split across network chunks, on pass-through streams too. Normal streams stay byte-identical.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';

/** Provider keys that do not look like keys to a pattern (no `sk-`, under 32 characters) and hold a `/`. */
const KEYS = { openai: 'oa.Scrub/Key.0001', anthropic: 'ant.Scrub/Key.0002', gemini: 'gem.Scrub/Key.0003' };
const MODELS = { openai: 'oa-scrub', anthropic: 'claude-scrub', gemini: 'gemini-scrub' } as const;
type Family = keyof typeof MODELS;
const FAMILIES: Family[] = ['openai', 'anthropic', 'gemini'];

interface Script {
  status?: number;
  contentType?: string;
  /** Written one after another; with `bytes`, each is also cut into pieces of that many bytes. */
  chunks: string[];
  bytes?: number;
}

/** An upstream that plays scripted answers (one per request, FIFO) and records the bodies it got. */
async function startScripted(): Promise<{ url: string; next(s: Script): void; bodies: unknown[]; close(): Promise<void> }> {
  const queue: Script[] = [];
  const bodies: unknown[] = [];
  const server: Server = createServer(async (req, res) => {
    let raw = '';
    for await (const c of req) raw += c;
    bodies.push(JSON.parse(raw));
    const s = queue.shift();
    if (!s) {
      res.writeHead(500).end('{"error":{"message":"no script"}}');
      return;
    }
    res.writeHead(s.status ?? 200, { 'content-type': s.contentType ?? 'text/event-stream' });
    for (const c of s.chunks) {
      const buf = Buffer.from(c);
      const step = s.bytes ?? buf.length;
      for (let i = 0; i < buf.length; i += step) {
        res.write(buf.subarray(i, i + step));
        await new Promise((r) => setImmediate(r));
      }
    }
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    next: (s) => queue.push(s),
    bodies,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** The ways an upstream may spell the key inside JSON: as is, with `\/` escapes, URL-encoded. */
const spellings = (key: string) => [key, key.replaceAll('/', '\\/'), encodeURIComponent(key)];

function assertNoKey(text: string, key: string) {
  for (const s of [...spellings(key), key.replaceAll('/', '\\\\/')]) assert.ok(!text.includes(s), `the client saw the provider key (${s}) in: ${text}`);
}

/** A normal stream start and an error event quoting `quoted`, in each family's SSE format. */
function streamWithError(family: Family, quoted: string): { ok: string[]; error: string } {
  switch (family) {
    case 'openai': {
      const chunk = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      return { ok: [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hello' })], error: `data: {"error":{"message":"Upstream auth failed for key ${quoted}","type":"server_error","param":null,"code":null}}\n\n` };
    }
    case 'anthropic': {
      const ev = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
      return {
        ok: [
          ev('message_start', { message: { id: 'msg', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, usage: { input_tokens: 5, output_tokens: 1 } } }),
          ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
          ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello' } }),
        ],
        error: `event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Upstream auth failed for key ${quoted}"}}\n\n`,
      };
    }
    case 'gemini':
      return {
        ok: [`data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'Hello' }] }, index: 0 }], usageMetadata: { promptTokenCount: 5 } })}\r\n\r\n`],
        error: `data: {"error":{"code":500,"message":"Upstream auth failed for key ${quoted}","status":"INTERNAL"}}\r\n\r\n`,
      };
  }
}

/** A complete normal stream in each family's format, with text that starts like the key across a chunk boundary. */
function normalStream(family: Family, key: string): string[] {
  const near = key.slice(0, 6); // a prefix of the key at the end of a chunk must not be eaten
  switch (family) {
    case 'openai': {
      const chunk = (delta: object, finish: string | null = null, usage?: object) =>
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
      const a = chunk({ content: `see ${near}` });
      return [chunk({ role: 'assistant', content: '' }) + a.slice(0, a.indexOf(near) + near.length), a.slice(a.indexOf(near) + near.length) + chunk({}, 'stop'), chunk({}, null, { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }) + 'data: [DONE]\n\n'];
    }
    case 'anthropic': {
      const ev = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
      const d = ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `see ${near}` } });
      const cut = d.indexOf(near) + near.length;
      return [
        ev('message_start', { message: { id: 'msg', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, usage: { input_tokens: 5, output_tokens: 1 } } }) + ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) + d.slice(0, cut),
        d.slice(cut) + ev('content_block_stop', { index: 0 }) + ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }) + ev('message_stop', {}),
      ];
    }
    case 'gemini': {
      const c = `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: `see ${near}` }] }, index: 0 }] })}\r\n\r\n`;
      const cut = c.indexOf(near) + near.length;
      return [c.slice(0, cut), c.slice(cut) + `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: '.' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 } })}\r\n\r\n`];
    }
  }
}

/** A non-streamed error body quoting `quoted` in each family's format. */
function errorBody(family: Family, quoted: string): string {
  const message = `Upstream auth failed for key ${quoted}`;
  if (family === 'anthropic') return `{"type":"error","error":{"type":"api_error","message":"${message}"}}`;
  if (family === 'gemini') return `{"error":{"code":500,"message":"${message}","status":"INTERNAL"}}`;
  return `{"error":{"message":"${message}","type":"server_error","param":null,"code":null}}`;
}

type Surface = 'chat' | 'anthropic' | 'gemini' | 'gemini-array';
const SAME: Record<Family, Surface> = { openai: 'chat', anthropic: 'anthropic', gemini: 'gemini' };
const OTHER: Record<Family, Surface> = { openai: 'anthropic', anthropic: 'chat', gemini: 'chat' };

async function call(o: TestOdock, surface: Surface, key: string, model: string, stream: boolean): Promise<{ status: number; text: string }> {
  let url: string;
  let headers: Record<string, string>;
  let body: Record<string, unknown>;
  if (surface === 'chat') {
    url = `${o.url}/v1/chat/completions`;
    headers = { authorization: `Bearer ${key}` };
    body = { model, messages: [{ role: 'user', content: 'hi' }], stream, ...(stream ? { stream_options: { include_usage: true } } : {}) };
  } else if (surface === 'anthropic') {
    url = `${o.url}/v1/messages`;
    headers = { 'x-api-key': key, 'anthropic-version': '2023-06-01' };
    body = { model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], stream };
  } else {
    const method = stream ? 'streamGenerateContent' : 'generateContent';
    url = `${o.url}/v1beta/models/${model}:${method}${stream && surface === 'gemini' ? '?alt=sse' : ''}`;
    headers = { 'x-goog-api-key': key };
    body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
  }
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: r.status, text: await r.text() };
}

describe('the provider key never reaches the client through an upstream error', () => {
  let o: TestOdock;
  const ups = {} as Record<Family, Awaited<ReturnType<typeof startScripted>>>;
  const setups = {} as Record<Family, SetupResult>;
  const type: Record<Family, string> = { openai: 'OPENAI', anthropic: 'ANTHROPIC', gemini: 'GOOGLE' };
  const slug: Record<Family, string> = { openai: 'gpt-4.1-mini', anthropic: 'claude-sonnet-4-5', gemini: 'gemini-2.5-flash' };

  before(async () => {
    for (const f of FAMILIES) ups[f] = await startScripted();
    o = await startOdock();
    for (const f of FAMILIES) {
      const shared = setups.openai ? { client: setups.openai.client, orgId: setups.openai.orgId } : {};
      setups[f] = await setupKey(o, { ...shared, providerType: type[f], baseUrl: f === 'openai' ? `${ups[f].url}/v1` : ups[f].url, providerKey: KEYS[f], models: { [MODELS[f]]: { slug: slug[f] } } });
    }
  });
  after(async () => {
    await o?.close();
    for (const u of Object.values(ups)) await u?.close();
  });

  for (const family of FAMILIES) {
    const surfaces: Array<[string, Surface]> = [['pass-through', SAME[family]], ['translated', OTHER[family]]];
    if (family === 'gemini') surfaces.push(['reframed JSON array', 'gemini-array']);
    for (const [label, surface] of surfaces) {
      it(`${family}: a mid-stream error event quoting the key (${label} stream, ${surface} surface)`, async () => {
        for (const quoted of spellings(KEYS[family])) {
          for (const bytes of [undefined, 1]) {
            const s = streamWithError(family, quoted);
            ups[family].next({ chunks: [...s.ok, s.error], bytes });
            const r = await call(o, surface, setups[family].secret, MODELS[family], true);
            assert.equal(r.status, 200);
            assert.match(r.text, /error/i, 'the client is told the stream failed');
            assertNoKey(r.text, KEYS[family]);
          }
        }
      });
    }

    it(`${family}: a non-streamed error body quoting the key (400, 429, 500; same family and translated)`, async () => {
      for (const surface of [SAME[family], OTHER[family]]) {
        for (const status of [400, 429, 500]) {
          for (const quoted of spellings(KEYS[family])) {
            ups[family].next({ status, contentType: 'application/json', chunks: [errorBody(family, quoted)] });
            const r = await call(o, surface, setups[family].secret, MODELS[family], false);
            assert.equal(r.status >= 400, true, r.text);
            assertNoKey(r.text, KEYS[family]);
          }
        }
      }
    });

    it(`${family}: a normal pass-through stream is forwarded byte for byte, even where text starts like the key at a chunk boundary`, async () => {
      const chunks = normalStream(family, KEYS[family]);
      ups[family].next({ chunks });
      const r = await call(o, SAME[family], setups[family].secret, MODELS[family], true);
      assert.equal(r.status, 200);
      assert.equal(r.text, chunks.join(''));
    });
  }

  it('a successful answer that quotes the key (same family, not streamed) is scrubbed too', async () => {
    const completion = { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: `your key is ${KEYS.openai}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } };
    ups.openai.next({ contentType: 'application/json', chunks: [JSON.stringify(completion)] });
    const r = await call(o, 'chat', setups.openai.secret, MODELS.openai, false);
    assert.equal(r.status, 200);
    assertNoKey(r.text, KEYS.openai);
    assert.match(JSON.parse(r.text).choices[0].message.content, /^your key is \[redacted\]$/);
  });
});
