// `npx tsx bench/steps.ts`: what each step of a warm gateway call costs, in one process, A/B
// interleaved (round after round, every step once per round, medians reported), so a machine loaded by
// other work moves every figure alike and the ratios hold. The components are Odock's own, on a real
// migrated store with a revealed, granted key (the bench's setup), not copies. STEP_ROUNDS and STEP_N
// tune it. Output: ns per call of each step, and its share of the sum.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/env.ts';
import { createDeps } from '../src/deps.ts';
import { buildApp } from '../src/app.ts';
import { bootstrap } from '../src/admin/auth/bootstrap.service.ts';
import { extractCredential } from '../src/auth/credentials.ts';
import { resolveModel } from '../src/access/model-access.ts';
import { gatewayRequest } from '../src/gateway/gateway-request.ts';
import { admitRequest } from '../src/gateway/policy-gate.ts';
import { buildUpstreamCall, translateResponse } from '../src/gateway/translate.ts';
import { scrubBody } from '../src/upstream/secret-scrub.ts';
import { scanJson } from '../src/surfaces/json-body.ts';
import { rememberRawBody } from '../src/gateway/raw-body.ts';
import { ClientAbortController } from '../src/upstream/client-signal.ts';
import { BENCH_ADMIN, setupBenchKey } from './bench-setup.ts';

const ROUNDS = Number(process.env.STEP_ROUNDS ?? 7);
const N = Number(process.env.STEP_N ?? 20_000);

const config = loadConfig({
  PORT: '0', HOST: '127.0.0.1', ODOCK_DATA_DIR: mkdtempSync(join(tmpdir(), 'odock-steps-')), LOG_LEVEL: 'warn',
  ODOCK_ALLOW_PRIVATE_UPSTREAMS: 'true', ODOCK_ADMIN_EMAIL: BENCH_ADMIN.email, ODOCK_ADMIN_PASSWORD: BENCH_ADMIN.password,
});
const deps = await createDeps(config);
const app = await buildApp(deps, { serveConsole: false });
await bootstrap(deps.store.db, BENCH_ADMIN);
await app.listen({ port: 0, host: '127.0.0.1' });
const { key } = await setupBenchKey(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`, 'http://127.0.0.1:9');

const bodyText = JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Say hello.' }] });
const body = JSON.parse(bodyText) as Record<string, unknown>;
// As the route's JSON parser does: the text kept beside the object, for an unchanged pass-through.
rememberRawBody(body, bodyText, scanJson(bodyText, 64));
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': String(bodyText.length) };
const req = { headers, socket: { remoteAddress: '127.0.0.1' } } as never;
const answerBytes = Buffer.from(JSON.stringify({
  id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4.1-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
}));
const auth = await deps.keyLookup.authenticate(key);
const route = await resolveModel(deps.orgRoutes, auth, 'gpt-4.1-mini');
const target = { providerType: route.provider.type, baseUrl: route.provider.baseUrl, apiKey: route.secret(), slug: route.slug, config: route.provider.config };
const gw = gatewayRequest('openai-chat', 'openai', body, { model: body.model, stream: false });
const emitter = new EventEmitter();
const noop = () => {};
let sink: unknown;

// Each step as the call path runs it on a warm JSON chat completion (same family, the bench's shape).
const steps: Record<string, () => unknown> = {
  'request id (randomUUID, Fastify genReqId)': () => randomUUID(),
  'request body: depth scan + JSON.parse': () => (scanJson(bodyText, 64), JSON.parse(bodyText)),
  // The client-gone signal, with the listeners undici and the call path add and remove on it.
  'client signal (ClientAbortController)': () => {
    const ac = new ClientAbortController();
    ac.signal.addEventListener('abort', noop, { once: true });
    ac.signal.removeEventListener('abort', noop);
    emitter.on('close', noop);
    emitter.off('close', noop);
    return ac;
  },
  '  was: AbortController, same listeners': () => {
    const ac = new AbortController();
    ac.signal.addEventListener('abort', noop, { once: true });
    ac.signal.removeEventListener('abort', noop);
    emitter.on('close', noop);
    emitter.off('close', noop);
    return ac;
  },
  'credentials + authenticate (warm L1)': () => deps.keyLookup.authenticate(extractCredential(headers, undefined, false)),
  'gatewayRequest (budget + token estimate)': () => gatewayRequest('openai-chat', 'openai', body, { model: body.model, stream: false }),
  'resolveModel': () => resolveModel(deps.orgRoutes, auth, 'gpt-4.1-mini'),
  'policy check + complete (no policies)': async () => (await admitRequest(deps.policy, deps.clientIp, req, auth, route, gw)).complete({ inputTokens: 9, outputTokens: 2 }),
  'buildUpstreamCall (pass-through, the client bytes)': () => buildUpstreamCall('openai-chat', body, target, { stream: false, requestedModel: route.name, clientHeaders: headers }),
  '  was: JSON.stringify(body) on top': () => JSON.stringify(body),
  'response: scrub + JSON.parse + translateResponse': () => {
    const raw = scrubBody(answerBytes, route.secret());
    return translateResponse('openai-chat', route.provider.type, JSON.parse(raw.toString('utf8')), { requestedModel: route.name });
  },
  'metrics.request': () => deps.metrics.request('openai-chat', route.provider.type, 200, 'ok', 0.001),
  'usage.record': () => deps.usage.record({
    request_id: 'x', organisation_id: auth.orgId, team_id: auth.teamId, user_id: auth.userId, api_key_id: auth.keyId,
    provider_id: route.provider.id, provider_type: route.provider.type, model_id: route.modelId, model_name: route.name, upstream_slug: route.slug,
    surface: 'openai-chat', input_tokens: 9, output_tokens: 2, cached_tokens: 0, reasoning_tokens: 0, cost_nano_usd: 0,
    latency_ms: 1, ttft_ms: 1, status: 200, error_code: null, streamed: 0,
  }),
};

const results: Record<string, number[]> = Object.fromEntries(Object.keys(steps).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(steps)) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      const v = fn();
      if (v instanceof Promise) sink = await v;
      else sink = v;
    }
    results[name].push(Number(process.hrtime.bigint() - t0) / N);
  }
  await deps.usage.flush();
}
void sink;
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const rows = Object.entries(results).map(([name, v]) => ({ name, ns: median(v) }));
const total = rows.filter((r) => !r.name.startsWith(' ')).reduce((s, r) => s + r.ns, 0);
console.log(`| step | ns per call (median of ${ROUNDS} rounds × ${N}) | share |\n|---|---:|---:|`);
for (const r of rows) console.log(`| ${r.name} | ${r.ns.toFixed(0)} | ${((100 * r.ns) / total).toFixed(1)} % |`);
console.log(`| sum | ${total.toFixed(0)} | |`);
await app.close();
await deps.close();
