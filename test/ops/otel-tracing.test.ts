import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey } from '../helpers/setup-flow.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { startOtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.ts';

const PROVIDER_KEY = 'sk-upstream-otel-secret-0001';
const PROMPT = 'PROMPT-SECRET-do-not-trace';
const LOADED = Symbol.for('odock.otlp-tracer.loaded');

const chat = (url: string, key: string, headers: Record<string, string> = {}) => fetch(`${url}/v1/chat/completions`, {
  method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: PROMPT }] }),
});

describe('OpenTelemetry traces of gateway calls', () => {
  let fake: FakeOpenAI;
  before(async () => {
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
  });
  after(async () => fake?.close());

  // First in this file (one process): nothing may have imported the exporter before.
  it('with no OTLP endpoint, no exporter module is loaded and calls carry no span', async () => {
    const o = await startOdock();
    try {
      const s = await setupKey(o, { baseUrl: fake.url, providerKey: PROVIDER_KEY });
      const res = await chat(o.url, s.secret, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
      assert.equal(res.status, 200);
      await res.text();
      assert.equal(o.deps.tracer, undefined);
      assert.equal((globalThis as Record<symbol, unknown>)[LOADED], undefined, 'otlp-tracer.ts was never evaluated');
    } finally {
      await o.close();
    }
  });

  describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
    let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
    let o: TestOdock;
    let secret: string;
    before(async () => {
      receiver = await startOtlpReceiver();
      o = await startOdock({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'odock-test', OTEL_EXPORTER_OTLP_HEADERS: 'x-otlp-token=tok%3D1' } });
      secret = (await setupKey(o, { baseUrl: fake.url, providerKey: PROVIDER_KEY })).secret;
    });
    after(async () => {
      await o?.close();
      await receiver?.close();
    });

    const spansOf = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);

    it('a server span per call, children for auth, policy and the upstream call, GenAI attributes, W3C context in and out', async () => {
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const res = await chat(o.url, secret, { traceparent: `00-${traceId}-b7ad6b7169203331-01`, 'x-request-id': 'otel-req-1' });
      assert.equal(res.status, 200);
      const answer = await res.text();
      await waitFor(() => spansOf(traceId).some((s) => s.kind === 2), 10_000);
      const spans = spansOf(traceId);
      const root = spans.find((s) => s.kind === 2)!;
      assert.equal(root.name, 'POST /v1/chat/completions');
      assert.equal(root.parentSpanId, 'b7ad6b7169203331', 'the incoming traceparent is the parent');
      const a = root.attributes;
      assert.equal(a['gen_ai.operation.name'], 'chat');
      assert.equal(a['gen_ai.system'], 'openai');
      assert.equal(a['gen_ai.request.model'], 'gpt-4.1-mini');
      assert.equal(a['gen_ai.response.model'], 'gpt-4.1-mini');
      assert.equal(a['gen_ai.usage.input_tokens'], 11);
      assert.equal(a['gen_ai.usage.output_tokens'], 6);
      assert.equal(a['odock.request_id'], 'otel-req-1');
      assert.equal(a['http.response.status_code'], 200);
      assert.equal(a['error.type'], undefined);
      assert.ok(BigInt(root.endTimeUnixNano) >= BigInt(root.startTimeUnixNano));

      const byName = (n: string) => spans.find((s) => s.name === n);
      for (const n of ['gateway.auth', 'gateway.policy', 'gateway.upstream']) {
        assert.equal(byName(n)?.parentSpanId, root.spanId, `${n} is a child of the call's span`);
      }
      const up = byName('gateway.upstream')!;
      assert.equal(up.kind, 3, 'a client span');
      assert.equal(fake.last().headers.traceparent, `00-${traceId}-${up.spanId}-01`, 'the upstream gets the upstream span as parent');

      // Nothing said and nothing secret in any attribute of any span.
      const everything = JSON.stringify(receiver.spans) + JSON.stringify(receiver.exports.map((e) => e.resource));
      for (const leak of [secret, PROVIDER_KEY, PROMPT, JSON.parse(answer).choices[0].message.content]) assert.ok(!everything.includes(leak), `no ${leak.slice(0, 12)}… in spans`);

      const exp = receiver.exports[0]!;
      assert.equal(exp.path, '/v1/traces');
      assert.equal(exp.headers['x-otlp-token'], 'tok=1');
      assert.equal(exp.resource['service.name'], 'odock-test');
    });

    it('a streamed call: the span ends with the stream and carries its token usage', async () => {
      const res = await fetch(`${o.url}/v1/chat/completions`, {
        method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'x-request-id': 'otel-stream-1' },
        body: JSON.stringify({ model: 'gpt-4.1-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: PROMPT }] }),
      });
      const text = await res.text();
      assert.match(text, /\[DONE\]/);
      await waitFor(() => receiver.spans.some((s) => s.attributes['odock.request_id'] === 'otel-stream-1' && s.kind === 2), 10_000);
      const root = receiver.spans.find((s) => s.attributes['odock.request_id'] === 'otel-stream-1' && s.kind === 2)!;
      assert.equal(root.attributes['gen_ai.usage.input_tokens'], 11);
      assert.equal(root.attributes['gen_ai.usage.output_tokens'], 6);
      assert.equal(root.attributes['http.response.status_code'], 200);
      const up = receiver.spans.find((s) => s.traceId === root.traceId && s.name === 'gateway.upstream')!;
      assert.ok(BigInt(up.endTimeUnixNano) <= BigInt(root.endTimeUnixNano), 'the upstream span ends within the call');
      assert.ok(!JSON.stringify(receiver.spans).includes(PROMPT));
    });

    it('a refused call has its span too, with the status and the error code; no traceparent starts a new trace', async () => {
      const res = await chat(o.url, 'odk_not-a-real-key', { 'x-request-id': 'otel-req-2' });
      assert.equal(res.status, 401);
      await waitFor(() => receiver.spans.some((s) => s.attributes['odock.request_id'] === 'otel-req-2'), 10_000);
      const root = receiver.spans.find((s) => s.attributes['odock.request_id'] === 'otel-req-2')!;
      assert.equal(root.parentSpanId, undefined);
      assert.equal(root.attributes['http.response.status_code'], 401);
      assert.equal(root.attributes['error.type'], 'unauthorized');
      assert.equal(root.status?.code ?? 0, 0, 'a 4xx leaves a server span\'s status unset (HTTP semantic conventions)');
      const auth = receiver.spans.find((s) => s.traceId === root.traceId && s.name === 'gateway.auth');
      assert.equal(auth?.attributes['error.type'], 'unauthorized');
    });

    it('an upstream failure marks the call and its upstream span as errors, with the catalogued code', async () => {
      fake.next({ kind: 'error', status: 500 });
      const res = await chat(o.url, secret, { 'x-request-id': 'otel-502' });
      assert.equal(res.status, 502);
      await res.text();
      await waitFor(() => receiver.spans.some((s) => s.attributes['odock.request_id'] === 'otel-502'), 10_000);
      const root = receiver.spans.find((s) => s.attributes['odock.request_id'] === 'otel-502')!;
      assert.equal(root.status?.code, 2);
      assert.equal(root.attributes['error.type'], 'upstream_error');
      assert.equal(root.attributes['http.response.status_code'], 502);
      const up = receiver.spans.find((s) => s.traceId === root.traceId && s.name === 'gateway.upstream')!;
      assert.equal(up.status?.code, 2);
      assert.equal(up.attributes['error.type'], 'upstream_error');
    });

    it('a caller that chose not to sample (flags 00) is followed: the context goes upstream, nothing is exported', async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const res = await chat(o.url, secret, { traceparent: `00-${traceId}-00f067aa0ba902b7-00`, 'x-request-id': 'otel-unsampled-1' });
      await res.text();
      assert.match(String(fake.last().headers.traceparent), new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
      // A sampled call after it: once its span is in, the unsampled one would have been too.
      await (await chat(o.url, secret, { 'x-request-id': 'otel-sampled-after' })).text();
      await waitFor(() => receiver.spans.some((s) => s.attributes['odock.request_id'] === 'otel-sampled-after'), 10_000);
      assert.equal(receiver.spans.some((s) => s.traceId === traceId), false);
    });

    it('MCP calls get their span too; health checks do not', async () => {
      // The health check first: had it a span, that span would be queued before the MCP call's.
      assert.equal((await fetch(`${o.url}/v1/health`, { headers: { 'x-request-id': 'otel-health-1' } })).status, 200);
      const res = await fetch(`${o.url}/v1/mcp/some-server`, {
        method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-request-id': 'otel-mcp-1' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      await res.text();
      await waitFor(() => receiver.spans.some((s) => s.attributes['odock.request_id'] === 'otel-mcp-1'), 10_000);
      const mcp = receiver.spans.find((s) => s.attributes['odock.request_id'] === 'otel-mcp-1')!;
      assert.equal(mcp.kind, 2);
      assert.match(mcp.name, /^POST \/v1\/mcp\//);
      assert.equal(mcp.attributes['http.response.status_code'], res.status);
      assert.ok(receiver.spans.some((s) => s.traceId === mcp.traceId && s.name === 'gateway.auth'), 'the key check is a child span');
      assert.equal(receiver.spans.some((s) => s.attributes['odock.request_id'] === 'otel-health-1'), false);
    });
  });
});
