import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock } from '../helpers/odock.ts';
import { setupKey } from '../helpers/setup-flow.ts';
import { startFakeOpenAI } from '../fakes/fake-openai.ts';
import { Metrics } from '../../src/ops/metrics.ts';
import { UsageWriter } from '../../src/usage/usage-writer.ts';
import { usageRepo } from '../../src/store/repos/usage.repo.ts';
import { openTempStore } from '../../src/store/testing/temp-store.ts';
import { createAuditWriter } from '../../src/audit/audit-writer.ts';

// The counters the alert rules in deploy/prometheus read: each moves when its failure happens.
const valueOf = (text: string, name: string): number =>
  text.split('\n').filter((l) => l.startsWith(name) && !l.startsWith('#')).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);

describe('failure counters behind the alert rules', () => {
  it('odock_stream_failures_total counts a stream that died after it started', async (t) => {
    const fake = await startFakeOpenAI({ apiKey: 'sk-upstream-counter' });
    t.after(() => fake.close());
    const o = await startOdock();
    t.after(() => o.close());
    const s = await setupKey(o, { baseUrl: fake.url, providerKey: 'sk-upstream-counter' });
    fake.next({ kind: 'hangup', afterChunks: 3 });
    const res = await fetch(`${o.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.ok(!(await res.text()).includes('[DONE]'));
    const metrics = await (await fetch(`${o.url}/metrics`)).text();
    assert.equal(valueOf(metrics, 'odock_stream_failures_total'), 1);
    assert.match(metrics, /odock_stream_failures_total\{provider="[A-Z_]+",code="[a-z_]+"\} 1/);
  });

  it('odock_usage_flush_failures_total counts a batch the database did not take', async (t) => {
    const s = await openTempStore();
    t.after(() => s.close());
    let down = true;
    const flaky = s.store.db.withPlugin({
      transformQuery: (a) => a.node,
      transformResult: async (a) => {
        if (down) throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
        return a.result;
      },
    });
    const metrics = new Metrics(false);
    const w = new UsageWriter(usageRepo(flaky), 1000, undefined, metrics);
    w.record({
      request_id: 'r1', organisation_id: await s.seedOrganisation(), team_id: null, user_id: null, api_key_id: null, provider_id: null, provider_type: null,
      model_id: null, model_name: 'm', upstream_slug: null, surface: 'openai', input_tokens: 1, output_tokens: 1, cached_tokens: 0, reasoning_tokens: 0,
      cost_nano_usd: 0, latency_ms: 1, ttft_ms: null, status: 200, error_code: null, streamed: 0,
    });
    await w.flush();
    assert.equal(valueOf(await metrics.registry.metrics(), 'odock_usage_flush_failures_total'), 1);
    down = false;
    await w.flush();
    assert.equal(w.pendingCount, 0);
    assert.equal(valueOf(await metrics.registry.metrics(), 'odock_usage_flush_failures_total'), 1);
  });

  it('odock_audit_write_failures_total counts an audit entry that could not be stored; the log keeps it, masked', async () => {
    const metrics = new Metrics(false);
    const logged: unknown[] = [];
    const write = createAuditWriter({
      audit: { insert: async () => { throw new Error('disk full'); } },
      logger: { error: (obj: unknown) => void logged.push(obj) } as never,
      onFailure: () => metrics.auditWriteFailed(),
    });
    const secret = `odk_${'x'.repeat(40)}`;
    await write({ organisationId: 'o1', actor: { type: 'operator', id: 'op1', label: 'a@example.test' }, action: 'api_key.create', targetType: 'api_key', targetId: 'k1', changes: { after: { key: secret } } });
    assert.equal(valueOf(await metrics.registry.metrics(), 'odock_audit_write_failures_total'), 1);
    assert.equal(logged.length, 1);
    assert.match(JSON.stringify(logged[0]), /api_key\.create/);
    assert.ok(!JSON.stringify(logged[0]).includes(secret));
  });
});
