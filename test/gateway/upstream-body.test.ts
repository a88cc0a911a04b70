import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';

/**
 * A non-streamed answer the upstream cuts off after its headers: the client gets a catalogued 502,
 * never a hang or a truncated 200, and the bytes held for it are given back.
 */
describe('an upstream answer cut off mid-body', () => {
  let o: TestOdock;
  let s: SetupResult;
  let upstream: Server;

  before(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
        res.write('{"id":"chatcmpl-cut","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hel');
        // The socket goes away with most of the promised body unsent.
        setImmediate(() => res.socket?.destroy());
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    o = await startOdock();
    s = await setupKey(o, { baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1` });
  });
  after(async () => {
    await o?.close();
    upstream?.close();
  });

  it('is a 502 upstream_error for the official openai client, recorded, with nothing left held', async () => {
    const client = new OpenAI({ apiKey: s.secret, baseURL: `${o.url}/v1`, maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 502);
    assert.equal((err.error as { code?: string }).code, 'upstream_error');
    await waitFor(async () => {
      await o.deps.usage.flush();
      const rows = await o.deps.store.db.selectFrom('usage_records').select(['status', 'error_code']).execute();
      return rows.length === 1 && rows[0]!.status === 502 && rows[0]!.error_code === 'upstream_error';
    });
    const held = (await o.deps.metrics.registry.getSingleMetric('odock_upstream_buffered_bytes')?.get())?.values[0]?.value;
    assert.equal(held, 0);
  });
});
