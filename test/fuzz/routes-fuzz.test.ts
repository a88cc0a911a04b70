import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { bodyFor, fill, seedRecords, type OrgRecords, type Route } from '../admin/route-table.ts';
import { seededRng as prng } from '../../src/routing/weighted-pick.ts';

/**
 * Bad input on every admin route (read from the served OpenAPI document) and every gateway route,
 * with and without credentials (quality.md, "Bad input in general"): no 5xx other than a
 * catalogued upstream or store error, no stack trace in any body, and the process keeps serving.
 * Deterministic: every random choice comes from one fixed-seed PRNG.
 */
const PROVIDER_KEY = 'sk-upstream-fuzz-000001';
const SEED = 0x0d0c4;
const ALLOWED_5XX = new Set(['upstream_error', 'upstream_timeout', 'upstream_unavailable', 'mcp_upstream_error', 'mcp_auth_error', 'store_unavailable']);
const STACK = /\n\s+at |node_modules|\.[cm]?[jt]s:\d+/;

const deep = (n: number) => `${'{"a":['.repeat(n)}1${']}'.repeat(n)}`;
const MALFORMED = ['{"', '[1,2', '{"a":1}}', "{'a':1}", '\u0000', '{"a":"\\ud800"}', '{"a":1e999999}', '', ' ', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}'];
const VALUES: unknown[] = [null, true, 0, -1, 1e308, -0.5, '', '\u0000', 'x'.repeat(70_000), [], [[[]]], {}, { $gt: '' }, '<script>', "' OR 1=1 --", '%00', '../../etc/passwd', 'odk_not-a-key'];
const SEGMENTS = ['%00', '%25', '%2525', '%E2%82%AC%F0%9F%98%80', 'x'.repeat(3000), '..%2F..%2Fetc', '%ZZ', "'%20OR%201=1", '%C0%AF', '%20'];
const QUERIES = ['?limit=1&limit=2', '?type=a&type=b&q=%00', '?teamId=a&teamId=b&userId=1&userId=2&providerId=a&providerId=b&status=a&status=b', '?cursor=%ZZ&limit=-1', '?x[]=1&__proto__=1&constructor=1', `?q=${'a'.repeat(5000)}`, '?limit=1e3&cursor=W10', '?%00=%00&=&&key=', '?from=not-a-date&to=&groupBy=a&groupBy=b'];
const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/jsonx', 'application/octet-stream', '*/*'];

interface Req { method: string; path: string; headers?: Record<string, string>; body?: string }

describe('fuzz: every admin and gateway route answers bad input without a 5xx or a stack trace', () => {
  let o: TestOdock;
  let fake: FakeOpenAI;
  let s: SetupResult;
  let ids: OrgRecords;
  let token: string;
  const rnd = prng(SEED);
  const pick = <T>(xs: readonly T[], n: number): T[] => {
    const pool = [...xs];
    const out: T[] = [];
    while (out.length < n && pool.length) out.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0]);
    return out;
  };
  const problems: string[] = [];
  let sent = 0;

  async function send(r: Req): Promise<void> {
    sent++;
    const label = `${r.method} ${r.path.slice(0, 120)} ${JSON.stringify(r.headers ?? {}).slice(0, 80)} ${String(r.body ?? '').slice(0, 40)}`;
    let status: number;
    let text: string;
    try {
      const res = await fetch(o.url + r.path, { method: r.method, headers: r.headers, body: r.body });
      status = res.status;
      text = await res.text();
    } catch (e) {
      problems.push(`${label} → no answer: ${(e as Error).message}`);
      return;
    }
    if (STACK.test(text)) problems.push(`${label} → stack trace: ${text.slice(0, 300)}`);
    if (status >= 500) {
      let code = '?';
      try {
        const b = JSON.parse(text);
        code = b?.error?.details?.[0]?.reason ?? b?.error?.code ?? '?';
      } catch { /* not JSON: a problem too */ }
      if (!ALLOWED_5XX.has(code)) problems.push(`${label} → ${status} ${text.slice(0, 200)}`);
    }
  }

  /** Wrong types: each field of a valid body replaced by a hostile value, plus unknown fields. */
  function mutations(valid: unknown, n: number): string[] {
    const base = valid && typeof valid === 'object' && !Array.isArray(valid) ? (valid as Record<string, unknown>) : {};
    const fields = Object.keys(base).length ? Object.keys(base) : ['name', 'type', 'id'];
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const f = fields[Math.floor(rnd() * fields.length)];
      const v = VALUES[Math.floor(rnd() * VALUES.length)];
      out.push(JSON.stringify({ ...base, [f]: v, ...(rnd() < 0.3 ? { ['x'.repeat(1 + Math.floor(rnd() * 300))]: v } : {}) }));
    }
    return out;
  }

  /** Deep nesting inside an otherwise valid body: in a top-level field, and in the first message's content. */
  function nested(valid: unknown): string[] {
    const text = JSON.stringify(valid ?? {});
    const out = [text.replace(/^\{/, `{"zz":${deep(10_000)},`).replace(/,\}$/, '}')];
    if (text.includes('"content":"hi"')) out.push(text.replace('"content":"hi"', `"content":${deep(10_000)}`));
    if (text.includes('"text":"hi"')) out.push(text.replace('"text":"hi"', `"text":${deep(10_000)}`));
    if (text.includes('"input":')) out.push(text.replace('"input":', `"input":${deep(5_000)},"x":`));
    return out;
  }

  function variants(method: string, path: string, auth: Record<string, string>, valid: unknown, template?: string): Req[] {
    const json = { 'content-type': 'application/json' };
    const out: Req[] = [];
    const validText = valid === undefined ? undefined : JSON.stringify(valid);
    const hasBody = method !== 'GET' && method !== 'HEAD';
    // Unauthenticated, and with a garbage credential: a valid body, a deep one, a malformed one.
    for (const h of [{}, ...pick([{ authorization: 'Bearer odk_garbage' }, { authorization: `Bearer ${'A'.repeat(5000)}` }, { 'x-api-key': '\u00e9' }], 1)] as Record<string, string>[]) {
      out.push({ method, path, headers: hasBody ? { ...json, ...h } : h, body: hasBody ? validText ?? '{}' : undefined });
    }
    if (hasBody) out.push({ method, path, headers: json, body: deep(10_000) });
    // Authenticated.
    for (const q of hasBody ? pick(QUERIES, 2) : QUERIES) out.push({ method, path: path + q, headers: auth });
    if (template) {
      for (const seg of path.startsWith('/api') ? pick(SEGMENTS, 3) : SEGMENTS) out.push({ method, path: template.replace(/\{\w+\}/g, seg), headers: hasBody ? { ...auth, ...json } : auth, body: hasBody ? validText ?? '{}' : undefined });
    }
    if (!hasBody) return out;
    for (const b of [...pick(MALFORMED, 3), deep(10_000), deep(70), ...pick(['[]', 'null', '42', '"x"'], 2), ...mutations(valid, 3), ...nested(valid), JSON.stringify({ ...(valid as object), huge: 'h'.repeat(path.startsWith('/api') ? 200_000 : 1_000_000) })]) {
      out.push({ method, path, headers: { ...auth, ...json }, body: b });
    }
    for (const ct of pick(CONTENT_TYPES, 2)) out.push({ method, path, headers: { ...auth, 'content-type': ct }, body: validText ?? '{}' });
    out.push({ method, path, headers: auth, body: validText ?? '{}' });
    return out;
  }

  before(async () => {
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
    o = await startOdock();
    s = await setupKey(o, { baseUrl: fake.url, providerKey: PROVIDER_KEY, models: { 'gpt-4.1': { slug: 'gpt-4.1' }, 'gpt-4.1-mini': { slug: 'gpt-4.1-mini' } } });
    ids = await seedRecords(s.client, { orgId: s.orgId, base: `/api/organisations/${s.orgId}`, providerId: s.providerId, providerKeyId: s.providerKeyId, models: s.modelIds }, 'fz');
    await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/mcp-access`, { mcpServerIds: [ids.serverId] });
    token = (await s.client.ok('POST', '/api/auth/tokens', { name: 'fuzz' })).token;
  });
  after(async () => {
    await o?.close();
    await fake?.close();
  });

  it('gateway routes', { timeout: 60_000 }, async () => {
    const key = { authorization: `Bearer ${s.secret}` };
    const chat = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] };
    const gemini = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
    const routes: Array<[string, string, unknown, string | undefined]> = [
      ['POST', '/v1/chat/completions', chat, undefined],
      ['POST', '/v1/chat/completions', { ...chat, stream: true, stream_options: { include_usage: 'yes' } }, undefined],
      ['POST', '/v1/embeddings', { model: 'gpt-4.1-mini', input: ['a'] }, undefined],
      ['POST', '/v1/responses', { model: 'gpt-4.1-mini', input: 'hi' }, undefined],
      ['POST', '/v1/messages', { ...chat, max_tokens: 10 }, undefined],
      ['GET', '/v1/models', undefined, undefined],
      ['POST', '/v1beta/models/gpt-4.1-mini:generateContent', gemini, '/v1beta/models/{m}:generateContent'],
      ['POST', '/v1beta/models/gpt-4.1-mini:streamGenerateContent?alt=sse', gemini, '/v1beta/models/{m}:streamGenerateContent'],
      ['POST', `/v1/mcp/docs-fz`, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'f', version: '1' } } }, '/v1/mcp/{slug}'],
      ['GET', `/v1/mcp/docs-fz`, undefined, '/v1/mcp/{slug}'],
      ['DELETE', `/v1/mcp/docs-fz`, undefined, '/v1/mcp/{slug}'],
      ['GET', '/v1/health', undefined, undefined],
      ['GET', '/v1/healthz', undefined, undefined],
      ['GET', '/metrics', undefined, undefined],
    ];
    for (const [method, path, valid, template] of routes) {
      for (const r of variants(method, path, key, valid, template)) await send(r);
      // Gemini's own credential spellings, odd and repeated.
      if (path.startsWith('/v1beta')) {
        for (const q of [`?key=${s.secret}&key=${s.secret}`, `?KEY=${s.secret}`, '?key=', `?%6Bey=${s.secret}`]) {
          await send({ method, path: path + (path.includes('?') ? q.replace('?', '&') : q), headers: { 'content-type': 'application/json' }, body: JSON.stringify(valid) });
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.equal((await fetch(`${o.url}/v1/health`)).status, 200, 'still serving');
  });

  it('admin routes', { timeout: 120_000 }, async () => {
    const doc = await s.client.ok('GET', '/api/openapi.json');
    const routes: Route[] = [];
    for (const [template, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) routes.push({ method: method.toUpperCase(), template });
    }
    assert.ok(routes.length > 30, `only ${routes.length} admin routes listed`);
    // Destructive routes last, so earlier routes still find their records.
    routes.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    const auth = { authorization: `Bearer ${token}` };
    for (const r of routes) {
      const path = fill(r.template, ids);
      const valid = bodyFor(r, ids);
      const template = r.template.includes('{') ? r.template : undefined;
      for (const req of variants(r.method, path, auth, valid, template)) await send(req);
    }
    assert.deepEqual(problems, []);
    assert.ok(sent > 500, `${sent} requests`);
    assert.equal((await fetch(`${o.url}/v1/health`)).status, 200, 'still serving');
  });
});
