import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, type TestOdock } from '../helpers/odock.ts';

const TOKEN = 'metrics-scraper-token-0123456789';

describe('GET /metrics with METRICS_TOKEN', () => {
  const started: TestOdock[] = [];
  after(async () => {
    for (const o of started) await o.close();
  });

  it('requires Authorization: Bearer <token> when the token is set', async () => {
    const o = await startOdock({ env: { METRICS_TOKEN: TOKEN } });
    started.push(o);
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, `Basic ${TOKEN}`, `Bearer  `]) {
      const res = await fetch(`${o.url}/metrics`, { headers: authorization ? { authorization } : {} });
      const text = await res.text();
      assert.equal(res.status, 401, `${authorization} → ${res.status}`);
      assert.equal(JSON.parse(text).error.code, 'unauthorized');
      assert.ok(!text.includes('odock_requests_total'));
      assert.ok(!text.includes(TOKEN), 'the token is not echoed');
    }
    const ok = await fetch(`${o.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /odock_requests_total|odock_process_/);
    // Health endpoints stay open.
    assert.equal((await fetch(`${o.url}/v1/health`)).status, 200);
  });

  it('stays open when no token is configured', async () => {
    const o = await startOdock();
    started.push(o);
    const res = await fetch(`${o.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /odock_/);
  });
});
