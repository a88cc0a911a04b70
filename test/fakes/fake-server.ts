import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The shared core of the fake upstreams: a real HTTP server on 127.0.0.1 (random port) that
 * records every request, checks the provider key, and plays queued behaviours (errors, stalls,
 * hang-ups, byte-split SSE…). A provider module (fake-openai.ts, fake-anthropic.ts,
 * fake-gemini.ts) supplies the wire format: auth check, JSON answers and SSE event lists.
 */
export interface RecordedRequest {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  /** Path without the query string. */
  pathname: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text when it is not JSON. */
  body: any;
  /** The body exactly as received. */
  text: string;
}

export interface FakeToolCall {
  name: string;
  arguments: Record<string, unknown>;
  id?: string;
}

/** What to answer. Queue with `fake.next(...)`; each request takes the next one (FIFO), then the default (a normal reply). */
export type Behaviour =
  /** Answer `status` with `body` (default: the provider's own error body for that status) and headers. */
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  /** An HTML error page (default 502), like a load balancer in front of the provider. */
  | { kind: 'html'; status?: number }
  /** 200 with truncated JSON. */
  | { kind: 'garbage' }
  /** Wait before answering normally (headers included). */
  | { kind: 'delay'; ms: number }
  /** Hold the request until `until` settles, then answer normally (a test waits for a state, not a duration). */
  | { kind: 'hold'; until: Promise<unknown> }
  /** Never answer (no headers). */
  | { kind: 'stall' }
  /** Stream: send the first `afterChunks` events, then destroy the socket. */
  | { kind: 'hangup'; afterChunks: number }
  /** Stream: send the first `afterChunks` events, then keep the connection open and silent. */
  | { kind: 'stall-stream'; afterChunks: number }
  /** Stream: send the first `afterChunks` events, then the provider's in-stream error event, then end. */
  | { kind: 'stream-error'; afterChunks: number }
  /** Stream `chunks` text events ("w0 ", "w1 "…), one every `intervalMs`. */
  | { kind: 'slow'; intervalMs: number; chunks: number }
  /** Stream written `bytes` bytes at a time; optional CRLF line endings and keep-alive comments. */
  | { kind: 'split'; bytes: number; crlf?: boolean; keepalive?: boolean }
  /** 200 with a JSON body of about `bytes` bytes. */
  | { kind: 'huge'; bytes: number }
  /** A normal answer with chosen content; any field left out takes the default. */
  | { kind: 'reply'; text?: string; toolCalls?: FakeToolCall[]; finish?: string; usage?: Record<string, unknown> }
  /** Answer with tool calls (default: one call of the request's first tool, or get_weather). */
  | { kind: 'tools'; calls?: FakeToolCall[] };

export interface FakeUpstream {
  /** Base URL to configure as the provider's baseUrl (OpenAI: ends in /v1; Anthropic, Gemini: the origin). */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  requests: RecordedRequest[];
  /** Times (ms) at which the gateway hung up before the fake finished answering. */
  aborts: number[];
  /** Queue behaviours for the next requests, one each. */
  next(...b: Behaviour[]): void;
  /** Same as next(). */
  nextBehaviour(...b: Behaviour[]): void;
  /** The most recent request (throws if none). */
  last(): RecordedRequest;
  close(): Promise<void>;
}

/** What a normal answer contains, after the behaviour and model-slug conventions are applied. */
export interface ReplyPlan {
  model: string;
  text: string;
  words: string[];
  toolCalls: FakeToolCall[];
  finish?: string;
  usage?: Record<string, unknown>;
  /** Seconds between stream events (slow behaviour). */
  intervalMs?: number;
}

export interface SseEvent {
  event?: string;
  data: string;
}

export interface ProviderSpec {
  name: string;
  /** Path appended to the origin to form `url`. */
  basePath: string;
  /** null when the key is right; otherwise the provider's own auth error. */
  checkAuth(req: RecordedRequest): { status: number; body: unknown } | null;
  errorBody(status: number): unknown;
  /** Handles one authorised request with its plan; returns a JSON answer, an SSE stream, or a raw answer. */
  handle(req: RecordedRequest, plan: ReplyPlan):
    | { json: unknown; status?: number }
    | { sse: SseEvent[]; errorEvent: SseEvent; crlf?: boolean; contentEvents?: number }
    | { raw: string; contentType: string; status?: number };
  /** The model a request names (body or path). */
  modelOf(req: RecordedRequest): string;
}

export const FAKE_REPLY = 'Hello from the fake upstream.';
export const FAKE_WORDS = ['Hello', ' from', ' the', ' fake', ' upstream', '.'];

/** Model-slug conventions, for tests that cannot reach the fake object: `…-tools` answers with a tool call, `…-fail-503` with that status. */
function fromSlug(model: string): Behaviour | undefined {
  const fail = /-fail-(\d{3})$/.exec(model);
  if (fail) return { kind: 'error', status: Number(fail[1]) };
  if (/-tools?$/.test(model)) return { kind: 'tools' };
  return undefined;
}

function firstToolName(body: any): string | undefined {
  const t = Array.isArray(body?.tools) ? body.tools[0] : undefined;
  return t?.function?.name ?? t?.name ?? t?.functionDeclarations?.[0]?.name ?? t?.function_declarations?.[0]?.name;
}

function plan(req: RecordedRequest, model: string, b: Behaviour | undefined): ReplyPlan {
  const p: ReplyPlan = { model, text: FAKE_REPLY, words: FAKE_WORDS, toolCalls: [] };
  if (b?.kind === 'reply') {
    if (b.text !== undefined) {
      p.text = b.text;
      p.words = b.text.match(/\s*\S+/g) ?? (b.text ? [b.text] : []);
    }
    if (b.toolCalls) p.toolCalls = b.toolCalls;
    if (b.finish) p.finish = b.finish;
    if (b.usage) p.usage = b.usage;
  } else if (b?.kind === 'tools') {
    p.text = '';
    p.words = [];
    p.toolCalls = b.calls ?? [{ name: firstToolName(req.body) ?? 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } }];
  } else if (b?.kind === 'slow') {
    p.words = Array.from({ length: b.chunks }, (_, i) => `w${i} `);
    p.text = p.words.join('');
    p.intervalMs = b.intervalMs;
  }
  return p;
}

const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFake(spec: ProviderSpec): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const aborts: number[] = [];
  const queue: Behaviour[] = [];
  const sockets = new Set<Socket>();

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const c of req) raw += c;
    let body: any = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      /* keep text */
    }
    const u = new URL(req.url ?? '/', 'http://fake');
    const rec: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', pathname: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, body, text: raw };
    requests.push(rec);
    let finished = false;
    res.on('close', () => {
      if (!finished) aborts.push(Date.now());
    });
    const done = () => {
      finished = true;
    };
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload), done);
    };

    const denied = spec.checkAuth(rec);
    if (denied) return json(denied.status, denied.body);
    const model = spec.modelOf(rec);
    const b = queue.shift() ?? fromSlug(model);
    switch (b?.kind) {
      case 'error':
        return json(b.status, b.body ?? spec.errorBody(b.status), b.headers);
      case 'html':
        res.writeHead(b.status ?? 502, { 'content-type': 'text/html' });
        return res.end('<html><body><h1>502 Bad Gateway</h1><p>nginx at http://10.1.2.3/internal</p></body></html>', done);
      case 'garbage':
        return json(200, '{"id": "fake", "choices": [');
      case 'stall':
        return; // never answers
      case 'huge':
        return json(200, `{"pad":"${'x'.repeat(b.bytes)}"}`);
      case 'delay':
        await sleep(b.ms);
        break;
      case 'hold':
        await b.until.catch(() => undefined);
        break;
      default:
        break;
    }

    const out = spec.handle(rec, plan(rec, model, b));
    if ('json' in out) return json(out.status ?? 200, out.json);
    if ('raw' in out) {
      res.writeHead(out.status ?? 200, { 'content-type': out.contentType });
      return res.end(out.raw, done);
    }
    const nl = (b?.kind === 'split' && b.crlf) || out.crlf ? '\r\n' : '\n';
    const frame = (e: SseEvent) => (e.event ? `event: ${e.event}${nl}` : '') + `data: ${e.data}${nl}${nl}`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });

    if (b?.kind === 'hangup' || b?.kind === 'stall-stream' || b?.kind === 'stream-error') {
      // Headers go out even with no event after them (afterChunks 0: a 200 that dies before its first byte).
      res.flushHeaders();
      for (const e of out.sse.slice(0, b.afterChunks)) res.write(frame(e));
      if (b.kind === 'stream-error') return res.end(frame(out.errorEvent), done);
      if (b.kind === 'stall-stream') return;
      await sleep(20);
      done();
      res.socket?.destroy();
      return;
    }
    if (b?.kind === 'split') {
      let text = out.sse.map(frame).join('');
      if (b.keepalive) text = `: keep-alive${nl}${nl}` + text.replace(`${nl}${nl}`, `${nl}${nl}: ping${nl}${nl}`);
      const buf = Buffer.from(text);
      for (let i = 0; i < buf.length; i += b.bytes) {
        if (res.destroyed) return;
        res.write(buf.subarray(i, i + b.bytes));
        await tick();
      }
      return res.end(done);
    }
    const interval = b?.kind === 'slow' ? b.intervalMs : 0;
    if (interval) {
      for (const e of out.sse) {
        if (res.destroyed) return;
        res.write(frame(e));
        await sleep(interval);
      }
      return res.end(done);
    }
    res.end(out.sse.map(frame).join(''), done);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const next = (...b: Behaviour[]) => {
    queue.push(...b);
  };
  return {
    url: origin + spec.basePath,
    origin,
    requests,
    aborts,
    next,
    nextBehaviour: next,
    last: () => {
      const r = requests[requests.length - 1];
      if (!r) throw new Error(`${spec.name} fake received no request`);
      return r;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Splits a tool call's JSON arguments into three stream fragments, as providers do. */
export function argumentPieces(args: Record<string, unknown>): string[] {
  const s = JSON.stringify(args);
  const a = Math.max(1, Math.floor(s.length / 3));
  return [s.slice(0, a), s.slice(a, 2 * a), s.slice(2 * a)].filter((x) => x.length > 0);
}

export function header(req: RecordedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
