import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../helpers/services.ts';
import { joinByInvitation } from '../helpers/invite.ts';
import { adminFixture, createOrg } from './fixtures.ts';

// The analytics API over HTTP: what the Usage page and a finance export read (product.md, Analytics).
for (const dialect of DIALECTS) {
  test(`analytics API and CSV exports (${dialect})`, async (t) => {
    const fx = await adminFixture(t, dialect);
    if (!fx) return;
    const { admin, odock, org } = fx;
    const key = await admin.ok('POST', `${org.base}/api-keys`, { type: 'ORGANISATION', name: 'Finance, "ops"' });
    const at = (m: number) => new Date(Date.parse('2031-05-10T10:00:00.000Z') + m * 60_000).toISOString();
    for (let i = 0; i < 12; i++) {
      odock.deps.usage.record({
        request_id: `req-${i}`, organisation_id: org.orgId, team_id: null, user_id: null, api_key_id: key.id, provider_id: org.providerId, provider_type: 'OPENAI',
        model_id: org.models['gpt-4.1'], model_name: 'gpt-4.1', upstream_slug: 'gpt-4.1', surface: 'openai-chat', input_tokens: 100, output_tokens: 50 + i,
        cached_tokens: 0, reasoning_tokens: 0, cost_nano_usd: 1_250_000 * (i + 1), latency_ms: 100 + i, ttft_ms: i % 2 ? 40 : null, status: i === 3 ? 500 : 200,
        error_code: i === 3 ? 'upstream_error' : null, streamed: i % 2, created_at: at(i * 30),
      });
    }
    await odock.deps.usage.flush();
    const q = 'from=2031-05-10T00:00:00Z&to=2031-05-11T00:00:00Z';

    const r = await admin.ok('GET', `${org.base}/analytics?${q}&interval=hour&groupBy=apiKey`);
    assert.equal(r.totals.requests, 12);
    assert.equal(r.totals.errors, 1);
    assert.equal(r.totals.costUsd, (1_250_000 * 78) / 1e9);
    assert.deepEqual(r.groups.map((g: { groupName: string }) => g.groupName), ['Finance, "ops"']);
    assert.equal(r.series.length, 6, 'one row per UTC hour holding calls (10:00 … 15:00)');
    assert.equal(r.series[0].bucket, '2031-05-10T10:00:00.000Z');

    await t.test('bad query values and unknown parameters are refused', async () => {
      assert.equal((await admin.get(`${org.base}/analytics?groupBy=colour`)).status, 400);
      assert.equal((await admin.get(`${org.base}/analytics?bogus=1`)).status, 400);
      assert.equal((await admin.get(`${org.base}/analytics?from=2031-05-11T00:00:00Z&to=2031-05-10T00:00:00Z`)).status, 400);
    });

    await t.test('the raw records CSV holds every record, quoted safely', async () => {
      const res = await admin.get(`${org.base}/usage/export.csv?${q}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
      const lines = String(res.body).trim().split('\r\n');
      assert.equal(lines.length, 13);
      const header = lines[0].split(',');
      const col = (l: string, name: string) => l.split(',')[header.indexOf(name)];
      assert.equal(lines.slice(1).reduce((a, l) => a + Number(col(l, 'costUsd')), 0).toFixed(6), ((1_250_000 * 78) / 1e9).toFixed(6));
      assert.deepEqual(lines.slice(1).map((l) => col(l, 'requestId')).sort(), Array.from({ length: 12 }, (_, i) => `req-${i}`).sort());
    });

    await t.test('the aggregate CSV matches the JSON series', async () => {
      const res = await admin.get(`${org.base}/analytics/export.csv?${q}&interval=day&groupBy=apiKey`);
      const lines = String(res.body).trim().split('\r\n');
      assert.equal(lines.length, 2);
      assert.ok(lines[1].startsWith(`2031-05-10T00:00:00.000Z,${key.id},"Finance, ""ops""",12,1,`), lines[1]);
    });

    await t.test('chargeback and MCP analytics answer; members may read; another organisation sees 404', async () => {
      const cb = await admin.ok('GET', `${org.base}/analytics/chargeback?period=2031-05`);
      assert.equal(cb.totals.requests, 12);
      assert.equal(cb.items[0].apiKeyName, 'Finance, "ops"');
      assert.equal((await admin.ok('GET', `${org.base}/analytics/mcp?${q}`)).totals.requests, 0);
      const member = await joinByInvitation(admin, org.orgId, { email: 'reader@example.test', name: 'Reader', role: 'member', password: 'reader-password' });
      assert.equal((await member.ok('GET', `${org.base}/analytics?${q}`)).totals.requests, 12);
      const other = await createOrg(admin, 'Other');
      const outsider = await joinByInvitation(admin, other.orgId, { email: 'out@example.test', name: 'Out', role: 'admin', password: 'outsider-password' });
      for (const p of ['/analytics', '/analytics/mcp', '/analytics/chargeback', '/analytics/export.csv', '/usage/export.csv']) {
        assert.equal((await outsider.get(`${org.base}${p}`)).status, 404, p);
      }
      assert.equal((await admin.ok('GET', `${other.base}/analytics?${q}`)).totals.requests, 0);
    });
  });
}
