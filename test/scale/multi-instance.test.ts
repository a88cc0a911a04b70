import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServicesEnv, spawnOdock, type OdockProcess } from '../helpers/odock-process.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { dropSchema, needPostgres, needRedis, uniquePrefix, uniqueSchema } from '../helpers/services.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { postChat } from '../helpers/chat.ts';

const PROVIDER_KEY = 'sk-upstream-scale';

const chat = (url: string, key: string, extra: Record<string, unknown> = {}) => postChat(url, key, extra);

describe('three Odock processes on one PostgreSQL and one Redis', () => {
  let nodes: OdockProcess[] = [];
  let fake: FakeOpenAI;
  let s: SetupResult;
  let skip: string | undefined;
  const schema = uniqueSchema();
  const prefix = uniquePrefix();

  before(async () => {
    skip = (await needPostgres()) ?? (await needRedis());
    if (skip) return;
    fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
    const env = {
      ...sharedServicesEnv(schema, prefix),
      USAGE_FLUSH_INTERVAL_MS: '100', SHUTDOWN_GRACE_MS: '10000',
    };
    // One at a time: the first migrates and creates the first operator.
    for (let i = 0; i < 3; i++) nodes.push(await spawnOdock(env));
    s = await setupKey({ url: nodes[0].url } as TestOdock, { baseUrl: fake.url, providerKey: PROVIDER_KEY });
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await fake?.close();
    if (!skip) await dropSchema(schema).catch(() => {});
  });

  const keyPath = () => `/api/organisations/${s.orgId}/api-keys/${s.keyId}`;

  it('a revoke, rotate or grant change made through one instance holds on every other before the call returns', async (t) => {
    if (skip) return t.skip(skip);
    for (const n of nodes) assert.equal((await chat(n.url, s.secret)).status, 200); // every L1 warm
    const b = await AdminClient.login(nodes[1].url);
    await b.ok('POST', `${keyPath()}/revoke`);
    for (const n of nodes) assert.equal(((await (await chat(n.url, s.secret)).json()) as any).error.code, 'api_key_revoked');
    await b.ok('POST', `${keyPath()}/unrevoke`);
    for (const n of nodes) assert.equal((await chat(n.url, s.secret)).status, 200);

    const c = await AdminClient.login(nodes[2].url);
    await c.ok('POST', `${keyPath()}/rotate`, {});
    const { key } = await c.ok('POST', `${keyPath()}/reveal`);
    for (const n of nodes) {
      assert.equal((await chat(n.url, s.secret)).status, 401);
      assert.equal((await chat(n.url, key)).status, 200);
    }
    s.secret = key;

    await c.ok('DELETE', `${keyPath()}/model-access/${s.modelIds['gpt-4.1-mini']}`);
    for (const n of nodes) assert.equal(((await (await chat(n.url, key)).json()) as any).error.code, 'model_not_allowed');
    await b.ok('POST', `${keyPath()}/model-access`, { modelIds: [s.modelIds['gpt-4.1-mini']] });
    for (const n of nodes) assert.equal((await chat(n.url, key)).status, 200);
  });

  it('a requests-per-minute limit is global: the successes across instances add up to the limit', async (t) => {
    if (skip) return t.skip(skip);
    const a = await AdminClient.login(nodes[0].url);
    const k = await a.ok('POST', `/api/organisations/${s.orgId}/api-keys`, { type: 'ORGANISATION', name: 'rpm', policies: { ratelimit: { requests: { per_minute: 10 } } } });
    await a.ok('POST', `/api/organisations/${s.orgId}/api-keys/${k.id}/model-access`, { modelIds: [s.modelIds['gpt-4.1-mini']] });
    const { key } = await a.ok('POST', `/api/organisations/${s.orgId}/api-keys/${k.id}/reveal`);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => chat(nodes[i % 3].url, key)));
    const ok = results.filter((r) => r.status === 200).length;
    const limited = results.filter((r) => r.status === 429);
    assert.equal(ok, 10);
    assert.equal(limited.length, 20);
    const body = (await limited[0].json()) as any;
    assert.equal(body.error.code, 'rpm_exceeded');
    assert.equal(body.error.scope, 'key');
    assert.equal(body.error.limit, 10);
    assert.ok(Number(limited[0].headers.get('retry-after')) >= 1);
  });

  it('concurrency leases hold across instances', async (t) => {
    if (skip) return t.skip(skip);
    const a = await AdminClient.login(nodes[0].url);
    const k = await a.ok('POST', `/api/organisations/${s.orgId}/api-keys`, { type: 'ORGANISATION', name: 'conc', policies: { ratelimit: { concurrency: { max: 2, lease_ttl_seconds: 60 } } } });
    await a.ok('POST', `/api/organisations/${s.orgId}/api-keys/${k.id}/model-access`, { modelIds: [s.modelIds['gpt-4.1-mini']] });
    const { key } = await a.ok('POST', `/api/organisations/${s.orgId}/api-keys/${k.id}/reveal`);
    fake.next({ kind: 'slow', intervalMs: 100, chunks: 8 }, { kind: 'slow', intervalMs: 100, chunks: 8 });
    const r1 = await chat(nodes[0].url, key, { stream: true });
    const r2 = await chat(nodes[1].url, key, { stream: true });
    assert.equal(r1.status, 200);
    assert.equal(r2.status, 200);
    const r3 = await chat(nodes[2].url, key);
    assert.equal(r3.status, 429);
    assert.equal(((await r3.json()) as any).error.code, 'concurrency_exceeded');
    await Promise.all([r1.text(), r2.text()]);
    await waitFor(async () => (await chat(nodes[2].url, key)).status === 200, 3000, 50);
  });

  it('SIGTERM drains a running stream, flushes its usage record and exits cleanly', async (t) => {
    if (skip) return t.skip(skip);
    const victim = nodes[2];
    fake.next({ kind: 'slow', intervalMs: 100, chunks: 10 });
    const res = await chat(victim.url, s.secret, { stream: true });
    assert.equal(res.status, 200);
    const requestId = res.headers.get('x-request-id')!;
    const exited = victim.stop('SIGTERM');
    const text = await res.text();
    assert.match(text, /data: \[DONE\]/);
    assert.equal((text.match(/w\d /g) ?? []).length, 10);
    assert.equal(await exited, 0);
    nodes = nodes.slice(0, 2);
    const a = await AdminClient.login(nodes[0].url);
    const usage = await a.ok('GET', `/api/organisations/${s.orgId}/usage?limit=500`);
    assert.ok(usage.items.some((u: any) => u.requestId === requestId && u.status === 200 && u.streamed));
  });

  it('usage records from every instance land exactly once', async (t) => {
    if (skip) return t.skip(skip);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await chat(nodes[i % nodes.length].url, s.secret);
      ids.push(r.headers.get('x-request-id')!);
      await r.text();
    }
    const a = await AdminClient.login(nodes[0].url);
    await waitFor(async () => {
      const page = await a.ok('GET', `/api/organisations/${s.orgId}/usage?limit=500`);
      return ids.every((id) => page.items.some((u: any) => u.requestId === id));
    }, 5000, 100);
    const page = await a.ok('GET', `/api/organisations/${s.orgId}/usage?limit=500`);
    for (const id of ids) assert.equal(page.items.filter((u: any) => u.requestId === id).length, 1);
  });
});
