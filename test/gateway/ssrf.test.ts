import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { setupKey } from '../helpers/setup-flow.ts';
import { postChat } from '../helpers/chat.ts';

describe('SSRF guard on provider base URLs', () => {
  let strict: TestOdock;
  let open: TestOdock;
  before(async () => {
    strict = await startOdock({ env: { ODOCK_ALLOW_PRIVATE_UPSTREAMS: 'false' } });
    open = await startOdock();
  });
  after(async () => {
    await strict?.close();
    await open?.close();
  });

  async function activate(o: TestOdock, type: string, baseUrl: string) {
    const c = await AdminClient.login(o.url);
    const orgId = await c.defaultOrgId();
    return c.post(`/api/organisations/${orgId}/providers`, { type, baseUrl });
  }

  it('refuses link-local and metadata addresses always, loopback and private ones unless allowed', async () => {
    for (const o of [strict, open]) {
      for (const url of ['http://169.254.169.254/latest', 'http://[fe80::1]/v1', 'http://metadata.google.internal/v1', 'http://0.0.0.0:80/v1', 'ftp://example.com/v1', 'not a url']) {
        const r = await activate(o, 'CUSTOM', url);
        assert.equal(r.status, 400, url);
        assert.equal(r.body.error.field, 'baseUrl');
      }
    }
    for (const url of ['http://127.0.0.1:8000/v1', 'http://10.1.2.3/v1', 'http://[::1]:8000/v1', 'http://localhost:11434/v1', 'http://192.168.1.10/v1']) {
      const r = await activate(strict, 'CUSTOM', url);
      assert.equal(r.status, 400, url);
      assert.match(r.body.error.message, /ODOCK_ALLOW_PRIVATE_UPSTREAMS/);
    }
    assert.equal((await activate(open, 'CUSTOM', 'http://127.0.0.1:8000/v1')).status, 201);
  });

  it('refuses at request time an IP literal that is no longer allowed (setting changed after the provider was saved)', async () => {
    let hits = 0;
    const up = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
    try {
      const s = await setupKey(strict, { providerType: 'OPENAI' });
      // As if the provider had been saved while private upstreams were allowed.
      await strict.deps.store.db.updateTable('providers').set({ base_url: `http://127.0.0.1:${(up.address() as { port: number }).port}/v1` }).where('id', '=', s.providerId).execute();
      await strict.deps.invalidate({ kind: 'org', orgId: s.orgId });
      const r = await postChat(strict.url, s.secret);
      assert.equal(r.status, 502);
      assert.match(((await r.json()) as any).error.message, /SSRF/);
      assert.equal(hits, 0);
    } finally {
      await new Promise((r) => up.close(r));
    }
  });

  describe('redirects', () => {
    let upstream: Server;
    let target: Server;
    let targetHits = 0;
    before(async () => {
      target = createServer((_req, res) => {
        targetHits++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
      await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
      const port = (target.address() as { port: number }).port;
      upstream = createServer((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/steal` }).end());
      await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    });
    after(async () => {
      await new Promise((r) => upstream.close(r));
      await new Promise((r) => target.close(r));
    });

    it('are never followed', async () => {
      const s = await setupKey(open, { providerType: 'VLLM', baseUrl: `http://127.0.0.1:${(upstream.address() as { port: number }).port}/v1` });
      const r = await postChat(open.url, s.secret);
      assert.equal(r.status, 502);
      assert.equal(((await r.json()) as any).error.code, 'upstream_error');
      assert.equal(targetHits, 0);
    });
  });
});
