import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake OpenAI upstream: a real HTTP server on 127.0.0.1 speaking the Chat Completions and
 * Embeddings wire format (JSON and SSE with include_usage). It checks the provider key, records
 * every request, and can be told what to do with the next request(s).
 */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export type Behaviour =
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'html'; status?: number }
  | { kind: 'garbage' }
  | { kind: 'delay'; ms: number }
  | { kind: 'stall' }
  | { kind: 'hangup'; afterChunks: number }
  | { kind: 'slow'; intervalMs: number; chunks: number }
  | { kind: 'split'; bytes: number; crlf?: boolean; keepalive?: boolean }
  | { kind: 'huge'; bytes: number };

export interface FakeOpenAI {
  url: string; // base URL including /v1
  requests: RecordedRequest[];
  /** Requests whose client (Odock) went away before the fake finished answering, with when. */
  aborts: number[];
  next(...b: Behaviour[]): void;
  close(): Promise<void>;
}

export const FAKE_REPLY = 'Hello from the fake upstream.';
const WORDS = ['Hello', ' from', ' the', ' fake', ' upstream', '.'];
export const FAKE_USAGE = { prompt_tokens: 11, completion_tokens: 6, total_tokens: 17, prompt_tokens_details: { cached_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 2 } };

function chunk(model: string, delta: object, finish: string | null = null, usage?: object) {
  return JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) });
}

export function streamEvents(model: string, includeUsage: boolean): string[] {
  const ev = [chunk(model, { role: 'assistant', content: '' }), ...WORDS.map((w) => chunk(model, { content: w })), chunk(model, {}, 'stop')];
  if (includeUsage) ev.push(chunk(model, {}, null, FAKE_USAGE));
  ev.push('[DONE]');
  return ev;
}

export async function startFakeOpenAI(opts: { apiKey: string }): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const aborts: number[] = [];
  const queue: Behaviour[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const c of req) raw += c;
    let body: any = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      /* keep text */
    }
    requests.push({ method: req.method!, path: req.url!, headers: req.headers, body });
    let finished = false;
    res.on('close', () => {
      if (!finished) aborts.push(Date.now());
    });
    const done = () => {
      finished = true;
    };

    if (req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided: sk-****.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }), done);
      return;
    }
    const b = queue.shift();
    if (b?.kind === 'error') {
      res.writeHead(b.status, { 'content-type': 'application/json', ...b.headers });
      res.end(JSON.stringify(b.body ?? { error: { message: `fake failure ${b.status}`, type: 'server_error', param: null, code: null } }), done);
      return;
    }
    if (b?.kind === 'html') {
      res.writeHead(b.status ?? 502, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>', done);
      return;
    }
    if (b?.kind === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "chatcmpl-fake", "choices": [', done);
      return;
    }
    if (b?.kind === 'stall') return; // never answers
    if (b?.kind === 'delay') await new Promise((r) => setTimeout(r, b.ms));
    if (b?.kind === 'huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"pad":"${'x'.repeat(b.bytes)}"}`, done);
      return;
    }
    const model = typeof body?.model === 'string' ? body.model : 'unknown';

    if (req.url?.endsWith('/embeddings')) {
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', model, data: inputs.map((_: unknown, i: number) => ({ object: 'embedding', index: i, embedding: [0.1, 0.2, 0.3] })), usage: { prompt_tokens: 5 * inputs.length, total_tokens: 5 * inputs.length } }), done);
      return;
    }
    if (!req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Not found', type: 'invalid_request_error' } }), done);
      return;
    }
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        id: 'chatcmpl-fake', object: 'chat.completion', created: 1_700_000_000, model,
        choices: [{ index: 0, message: { role: 'assistant', content: FAKE_REPLY, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: FAKE_USAGE,
      }), done);
      return;
    }
    const nl = b?.kind === 'split' && b.crlf ? '\r\n' : '\n';
    const events = streamEvents(model, body.stream_options?.include_usage === true);
    let text = events.map((e) => `data: ${e}${nl}${nl}`).join('');
    if (b?.kind === 'split' && b.keepalive) text = `: keep-alive${nl}${nl}` + text.replace(`${nl}${nl}data`, `${nl}${nl}: ping${nl}${nl}data`);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (b?.kind === 'split') {
      const buf = Buffer.from(text);
      for (let i = 0; i < buf.length; i += b.bytes) {
        res.write(buf.subarray(i, i + b.bytes));
        await new Promise((r) => setImmediate(r));
      }
      res.end(done);
      return;
    }
    if (b?.kind === 'hangup') {
      for (const e of events.slice(0, b.afterChunks)) res.write(`data: ${e}\n\n`);
      await new Promise((r) => setTimeout(r, 20));
      done();
      res.socket?.destroy();
      return;
    }
    if (b?.kind === 'slow') {
      for (let i = 0; i < b.chunks; i++) {
        if (res.destroyed) return;
        res.write(`data: ${chunk(model, { content: `w${i} ` })}\n\n`);
        await new Promise((r) => setTimeout(r, b.intervalMs));
      }
      res.end(`data: ${chunk(model, {}, 'stop')}\n\ndata: [DONE]\n\n`, done);
      return;
    }
    res.end(text, done);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    aborts,
    next: (...b) => queue.push(...b),
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}
