// The Usage page reads the analytics API: the totals, the spend per key and team, the MCP figures
// and the exports it shows equal what the gateway recorded (issue 15), whatever the traffic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminClient } from '../helpers/admin-client.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startOdock } from '../helpers/odock.ts';
import { formatUsd } from '../../web/src/pages/usage/usage-format.ts';
import { ensureConsoleBuilt, goTo, launchBrowser, login, needChromium, newContext, shot, stepper, watchErrors } from './browser.ts';

test('console: the Usage page shows what the gateway recorded', async (t) => {
  if (!needChromium(t)) return;
  await ensureConsoleBuilt();
  const odock = await startOdock({ serveConsole: true });
  t.after(() => odock.close());

  const admin = await AdminClient.login(odock.url);
  const orgId = await admin.defaultOrgId();
  const org = `/api/organisations/${orgId}`;
  const provider = await admin.ok('POST', `${org}/providers`, { type: 'OPENAI' });
  const pkey = await admin.ok('POST', `${org}/providers/${provider.id}/keys`, { name: 'Primary', key: 'sk-usage-test-0000' });
  const models = (await admin.ok('POST', `${org}/models/batch`, { providerId: provider.id, providerApiKeyId: pkey.id, slugs: ['gpt-4.1', 'gpt-4.1-mini'] })).items;
  const team = await admin.ok('POST', `${org}/teams`, { name: 'Research' });
  const teamKey = await admin.ok('POST', `${org}/api-keys`, { type: 'TEAM', teamId: team.id, name: 'Research bot' });
  const orgKey = await admin.ok('POST', `${org}/api-keys`, { type: 'ORGANISATION', name: 'Shared service' });
  const server = await admin.ok('POST', `${org}/mcp-servers`, { name: 'Docs', slug: 'docs', transport: 'STREAMABLE_HTTP', endpointUrl: 'http://127.0.0.1:9/mcp' });

  // What the gateway records for each call, written through its own usage writer.
  const now = Date.now();
  for (let i = 0; i < 23; i++) {
    const key = i % 3 ? teamKey : orgKey;
    const model = models[i % 2];
    odock.deps.usage.record({
      request_id: `ui-${i}`, organisation_id: orgId, team_id: key === teamKey ? team.id : null, user_id: null, api_key_id: key.id, provider_id: provider.id,
      provider_type: 'OPENAI', model_id: model.id, model_name: model.name, upstream_slug: model.name, surface: 'openai-chat', input_tokens: 120 + i, output_tokens: 30 + i,
      cached_tokens: 0, reasoning_tokens: 0, cost_nano_usd: 1_700_000 + i * 91_000, latency_ms: 200 + i * 10, ttft_ms: 80, status: i % 7 === 0 ? 502 : 200,
      error_code: i % 7 === 0 ? 'upstream_error' : null, streamed: i % 2, created_at: new Date(now - i * 37 * 60_000).toISOString(),
    });
  }
  for (let i = 0; i < 5; i++) {
    odock.deps.usage.recordMcp({
      request_id: `mcp-${i}`, organisation_id: orgId, api_key_id: orgKey.id, mcp_server_id: server.id, method: 'tools/call', tool: 'search', bytes_in: 10, bytes_out: 20,
      status: i === 0 ? 403 : 200, error_code: i === 0 ? 'tool_blocked' : null, blocked: i === 0 ? 1 : 0, latency_ms: 30, created_at: new Date(now - i * 60_000).toISOString(),
    });
  }
  await odock.deps.usage.flush();
  const raw = await odock.deps.store.db.selectFrom('usage_records').selectAll().where('organisation_id', '=', orgId).execute();
  const cost = (rs: typeof raw) => formatUsd(rs.reduce((a, r) => a + Number(r.cost_nano_usd), 0) / 1e9);

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await (await newContext(browser, odock.url)).newPage();
  const errors = watchErrors(page);
  const step = stepper(t, page);

  await step('the totals are the recorded totals', async () => {
    await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await goTo(page, 'Usage');
    const requests = page.getByTestId('stat-requests');
    await page.getByTestId('stat-requests').getByText(String(raw.length), { exact: true }).waitFor();
    assert.equal(await requests.textContent(), String(raw.length));
    assert.equal(await page.getByTestId('stat-cost').textContent(), cost(raw));
    await page.getByText(`${raw.filter((r) => r.status >= 400).length} failed`, { exact: false }).first().waitFor();
    await shot(page, 'usage-01-overview');
  });

  await step('spend per key and per team', async () => {
    const byKey = page.getByRole('table', { name: 'Spend by API key' });
    for (const key of [teamKey, orgKey]) {
      const row = byKey.getByRole('row').filter({ hasText: key.name });
      await row.waitFor();
      assert.equal(await row.getByTestId('group-cost').textContent(), cost(raw.filter((r) => r.api_key_id === key.id)));
    }
    await page.getByRole('radiogroup', { name: 'Group spend by' }).getByText('Team', { exact: true }).click();
    const research = page.getByRole('table', { name: 'Spend by team' }).getByRole('row').filter({ hasText: 'Research' });
    await research.waitFor();
    assert.equal(await research.getByTestId('group-cost').textContent(), cost(raw.filter((r) => r.team_id === team.id)));
    await shot(page, 'usage-02-by-team');
  });

  await step('records: TTFT only for streamed calls', async () => {
    const table = page.getByRole('table', { name: 'Usage records' });
    await table.getByText('gpt-4.1').first().waitFor();
    const rows = table.getByRole('row').filter({ hasText: 'gpt-4.1' });
    const shown = await rows.count();
    for (let i = 0; i < shown; i++) {
      const text = (await rows.nth(i).textContent()) ?? '';
      assert.equal(text.includes('TTFT'), text.includes('SSE'), text);
    }
  });

  await step('the records export holds every recorded call', async () => {
    const href = await page.getByRole('link', { name: 'Export Records' }).getAttribute('href');
    const res = await page.request.get(href!);
    assert.equal(res.status(), 200);
    assert.equal((await res.text()).trim().split('\r\n').length, raw.length + 1);
  });

  await step('the MCP tab shows the recorded MCP calls', async () => {
    await page.getByRole('tab', { name: 'MCP calls' }).click();
    await page.getByTestId('stat-mcp-calls').getByText('5', { exact: true }).waitFor();
    assert.equal(await page.getByTestId('stat-blocked').textContent(), '1');
    await page.getByRole('table', { name: 'MCP calls by group' }).getByText('Docs').waitFor();
    await shot(page, 'usage-03-mcp');
  });

  await step('the chargeback of this month bills each team what it spent', async () => {
    await page.getByRole('tab', { name: 'Chargeback' }).click();
    const table = page.getByRole('table', { name: 'Chargeback by team and key' });
    // The calls span the last 14 hours: near the 1st of a month some fall in the previous one.
    const thisMonth = raw.filter((r) => r.created_at.slice(0, 7) === new Date(now).toISOString().slice(0, 7));
    await page.getByTestId('chargeback-total').waitFor();
    assert.equal(await page.getByTestId('chargeback-total').textContent(), cost(thisMonth));
    if (thisMonth.some((r) => r.team_id === team.id)) {
      const research = table.getByRole('row').filter({ hasText: /^Research\b/ }).first();
      assert.ok((await research.textContent())!.endsWith(cost(thisMonth.filter((r) => r.team_id === team.id))));
    }
    await shot(page, 'usage-04-chargeback');
  });

  assert.deepEqual(errors, []);
});
