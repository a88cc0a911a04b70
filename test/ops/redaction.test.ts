import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/env.ts';
import { createDeps } from '../../src/deps.ts';
import { buildApp } from '../../src/app.ts';
import { bootstrap } from '../../src/admin/auth/bootstrap.service.ts';
import { createLogger, redactUrl } from '../../src/ops/logger.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_MASTER_KEY, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';

const PROVIDER_KEY = 'sk-upstream-redaction-01';

describe('the virtual key in a URL never reaches a log line or an error body', () => {
  const lines: string[] = [];
  let app: FastifyInstance;
  let closeDeps: () => Promise<void>;
  let url: string;
  let dataDir: string;
  let fake: FakeOpenAI;
  let s: SetupResult;

  before(async () => {
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
    dataDir = mkdtempSync(join(tmpdir(), 'odock-redact-'));
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', ODOCK_DATA_DIR: dataDir, LOG_LEVEL: 'debug', ODOCK_MASTER_KEY: TEST_MASTER_KEY, ODOCK_ALLOW_PRIVATE_UPSTREAMS: 'true',
    });
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const deps = await createDeps(config, { logger: createLogger('debug', sink) });
    closeDeps = () => deps.close();
    app = await buildApp(deps, { serveConsole: false });
    await bootstrap(deps.store.db, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    s = await setupKey({ url } as TestOdock, { baseUrl: fake.url, providerKey: PROVIDER_KEY });
  });
  after(async () => {
    await app?.close();
    await closeDeps?.();
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('percent-encoded, repeated and re-cased `key` parameters, keys in paths, and Fastify\'s own errors are all redacted', async () => {
    const K = s.secret;
    const gen = '/v1beta/models/gpt-4.1-mini:generateContent';
    const body = '{"contents":[{"parts":[{"text":"hi"}]}]}';
    const json = { 'content-type': 'application/json' };
    const cases: Array<[string, string, number]> = [
      ['POST', `${gen}?%6Bey=${K}`, 200],
      ['POST', `${gen}?k%65y=${K}&alt=sse`, 200],
      ['POST', `${gen}?%6B%65%79=${K}`, 200],
      ['POST', `${gen}?key=${K}`, 200],
      ['POST', `${gen}?KEY=${K}`, 401],
      ['POST', `${gen}?Key=${K}&x=1`, 401],
      ['POST', `${gen}?key=${K}&key=${K}`, 401],
      ['POST', `${gen}?key=%6F${K.slice(1)}`, 200],
      ['GET', `/v1/nope?key=${K}`, 404],
      ['GET', `/v1beta/models/${K}`, 404],
      ['GET', `/api/nope/${K}?key=${K}`, 404],
      ['POST', `/v1beta/models/%zz:generateContent?key=${K}`, 400],
      ['GET', `/v1/%zz/${K}`, 400],
      ['GET', `/v1/mcp/${'x'.repeat(200)}?key=${K}`, 400],
      ['GET', `/api/organisations/${K}?q=${K}`, 401],
    ];
    const bodies: string[] = [];
    for (const [method, path, status] of cases) {
      const res = await fetch(url + path, { method, headers: method === 'POST' ? json : {}, body: method === 'POST' ? body : undefined });
      const text = await res.text();
      bodies.push(text);
      assert.equal(res.status, status, `${method} ${path.replace(K, '<key>')} → ${res.status} ${text.replace(K, '<key>').slice(0, 200)}`);
    }
    await fetch(`${url}/v1/health?marker=done`);
    await waitFor(() => lines.some((l) => l.includes('marker=done')));
    const secretPart = K.slice(4, 40);
    const leakedLines = lines.filter((l) => l.includes(secretPart));
    assert.deepEqual(leakedLines, []);
    assert.deepEqual(bodies.filter((b) => b.includes(secretPart)), []);
    assert.ok(lines.some((l) => l.includes('%6Bey=[redacted]')), 'the request line of the %6Bey call was written');
  });

  it('redactUrl: decoded names, any case, repeated, and key-shaped values anywhere', () => {
    const k = 'odk_' + 'A'.repeat(49);
    for (const u of [`/x?%6bey=${k}`, `/x?KEY=${k}&a=1`, `/x?a=1&key=${k}&key=${k}`, `/x?q=${k}`, `/x/${k}/y`, `/x?q=%6F${k.slice(1)}`, `/x?${k}`, `/x?api_key=${k}`]) {
      assert.ok(!redactUrl(u).includes('AAAAAAAAAA'), `${u} → ${redactUrl(u)}`);
    }
    assert.equal(redactUrl('/v1beta/models/m:generateContent?alt=sse&key=abc'), '/v1beta/models/m:generateContent?alt=sse&key=[redacted]');
    assert.equal(redactUrl('/v1/health'), '/v1/health');
  });
});
