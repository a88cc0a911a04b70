import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { startFakeAnthropic } from '../fakes/fake-anthropic.ts';

const PROVIDER_KEY = 'sk-upstream-front-0001';
const CHAT = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] };

interface Answer { status: number; headers: Record<string, string>; body: unknown }

/**
 * The model routes are answered by the node:http front (src/surfaces/gateway-front.ts) over a socket,
 * and by Fastify's route groups through inject() (and for requests out of the ordinary). The two must
 * give a client the same answer: status, error body, the headers a client reads.
 */
describe('gateway front: the node:http front answers as the Fastify routes do', () => {
  let o: TestOdock;
  let fake: FakeOpenAI;
  let s: SetupResult;

  before(async () => {
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
    o = await startOdock({ env: { MAX_REQUEST_BYTES: '4096' } });
    s = await setupKey(o, { baseUrl: fake.url, providerKey: PROVIDER_KEY });
  });
  after(async () => {
    await o?.close();
    await fake?.close();
  });

  const pick = (h: Record<string, string | string[] | number | undefined>) => ({
    'content-type': String(h['content-type'] ?? ''),
    'x-content-type-options': String(h['x-content-type-options'] ?? ''),
    'retry-after': String(h['retry-after'] ?? ''),
  });
  // Ids differ per answer by design; everything else must not.
  const strip = (body: unknown): unknown => JSON.parse(JSON.stringify(body, (k, v) => (k === 'id' || k === 'created' || k === 'request_id' ? undefined : v)));

  async function overSocket(path: string, headers: Record<string, string>, body: string): Promise<Answer> {
    const res = await fetch(o.url + path, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, headers: pick(Object.fromEntries(res.headers)), body: strip(text ? JSON.parse(text) : null) };
  }
  async function throughFastify(path: string, headers: Record<string, string>, body: string): Promise<Answer> {
    const res = await o.app.inject({ method: 'POST', url: path, headers, payload: body });
    return { status: res.statusCode, headers: pick(res.headers as Record<string, string>), body: strip(res.body ? res.json() : null) };
  }

  it('the same answer for successes and for every kind of refusal, on every model route', async () => {
    const auth = { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json' };
    const json = { 'content-type': 'application/json' };
    const cases: Array<[string, string, Record<string, string>, string, number]> = [
      ['success', '/v1/chat/completions', auth, JSON.stringify(CHAT), 200],
      ['success with a charset', '/v1/chat/completions', { ...auth, 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(CHAT), 200],
      ['no key', '/v1/chat/completions', json, JSON.stringify(CHAT), 401],
      ['an unknown key', '/v1/messages', { ...json, 'x-api-key': 'odk_unknown' }, JSON.stringify(CHAT), 401],
      ['a Gemini key in the query', '/v1beta/models/gpt-4.1-mini:generateContent?key=odk_bad', json, '{}', 401],
      ['a body over MAX_REQUEST_BYTES', '/v1/chat/completions', auth, JSON.stringify({ ...CHAT, pad: 'x'.repeat(5000) }), 413],
      ['JSON too deep', '/v1/chat/completions', auth, `{"model":"gpt-4.1-mini","messages":${'['.repeat(100)}${']'.repeat(100)}}`, 400],
      ['not JSON', '/v1/chat/completions', auth, '{"model":', 400],
      ['prototype poisoning', '/v1/chat/completions', auth, '{"model":"gpt-4.1-mini","__proto__":{"admin":true},"messages":[]}', 400],
      ['constructor poisoning', '/v1/embeddings', auth, '{"model":"gpt-4.1-mini","constructor":{"prototype":{"admin":true}},"input":"x"}', 400],
      ['an array body', '/v1/responses', auth, '[1,2]', 400],
      ['a model that does not exist', '/v1/chat/completions', auth, JSON.stringify({ ...CHAT, model: 'gpt-unknown' }), 400],
      ['a bad Gemini method', '/v1beta/models/gpt-4.1-mini:countTokens', { ...json, 'x-goog-api-key': s.secret }, '{}', 400],
      // Out of the ordinary: the front leaves these to Fastify.
      ['another content type', '/v1/chat/completions', { ...auth, 'content-type': 'text/plain' }, JSON.stringify(CHAT), 400],
      ['a percent-encoded Gemini model', '/v1beta/models/gpt-4.1%2Dmini:generateContent', { ...json, 'x-goog-api-key': s.secret }, JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }), 200],
      ['a Gemini call', '/v1beta/models/gpt-4.1-mini:generateContent', { ...json, 'x-goog-api-key': s.secret }, JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }), 200],
    ];
    for (const [what, path, headers, body, status] of cases) {
      const front = await overSocket(path, headers, body);
      const fastify = await throughFastify(path, headers, body);
      assert.equal(front.status, status, `${what}: ${JSON.stringify(front.body)}`);
      assert.deepEqual(front, fastify, what);
    }
  });

  it('a socket request is the front\'s (inject() is Fastify\'s), answered with its request id and recorded', async (t) => {
    // Who asked for the key: the front's serve(), or the Fastify route group's onRequest hook.
    const callers: string[] = [];
    const lookup = o.deps.keyLookup;
    const authenticate = lookup.authenticate.bind(lookup);
    t.mock.method(lookup, 'authenticate', (raw: string | undefined) => {
      callers.push(/gateway-front\.ts/.test(new Error().stack ?? '') ? 'front' : 'fastify');
      return authenticate(raw);
    });
    await throughFastify('/v1/chat/completions', { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json' }, JSON.stringify(CHAT));
    const before = fake.requests.length;
    const res = await fetch(`${o.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json', 'x-request-id': 'front-test-1' }, body: JSON.stringify(CHAT),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), 'front-test-1');
    assert.equal(fake.requests.length, before + 1);
    assert.deepEqual(callers, ['fastify', 'front']);
    await waitFor(async () => (await o.deps.store.db.selectFrom('usage_records').select('request_id').where('request_id', '=', 'front-test-1').execute()).length === 1);
  });
});

describe('gateway front: each instance in a process serves from its own state', () => {
  it('a Responses output item answered over the socket by the second instance is referred to through that instance\'s Fastify route', async (t) => {
    const anthropic = await startFakeAnthropic({ apiKey: 'sk-ant-front' });
    t.after(() => anthropic.close());
    // Two instances in one process: the front of the second must use the second's item store, not the first's.
    const first = await startOdock();
    t.after(() => first.close());
    const second = await startOdock();
    t.after(() => second.close());
    const s = await setupKey(second, { providerType: 'ANTHROPIC', baseUrl: anthropic.url, providerKey: 'sk-ant-front', models: { 'claude-f': { slug: 'claude-sonnet-4-5' } } });
    const headers = { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json' };
    const res = await fetch(`${second.url}/v1/responses`, { method: 'POST', headers, body: JSON.stringify({ model: 'claude-f', input: 'Hello?' }) });
    assert.equal(res.status, 200);
    const item = ((await res.json()) as { output: Array<{ type: string; id: string }> }).output.find((o) => o.type === 'message')!;
    const next = { model: 'claude-f', input: [{ role: 'user', content: 'Hello?' }, { type: 'item_reference', id: item.id }, { role: 'user', content: 'And?' }] };
    const viaFastify = await second.app.inject({ method: 'POST', url: '/v1/responses', headers, payload: JSON.stringify(next) });
    assert.equal(viaFastify.statusCode, 200, viaFastify.body);
  });
});
