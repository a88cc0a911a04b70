import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { PrivatePostgres, postgresServerMissing } from '../helpers/private-postgres.ts';
import { freePort } from '../helpers/private-redis.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { postChat } from '../helpers/chat.ts';

describe('PostgreSQL restarted under load', () => {
  let db: PrivatePostgres;
  let o: TestOdock;
  let fake: FakeOpenAI;
  let s: SetupResult;
  const skip = postgresServerMissing();

  before(async () => {
    if (skip) return;
    db = new PrivatePostgres(await freePort());
    await db.start();
    fake = await startFakeOpenAI({ apiKey: 'sk-pg' });
    o = await startOdock({ env: { DATABASE_URL: db.url, USAGE_FLUSH_INTERVAL_MS: '100' } });
    s = await setupKey(o, { baseUrl: fake.url, providerKey: 'sk-pg' });
  });
  after(async () => {
    await o?.close().catch(() => {});
    await db?.destroy();
    await fake?.close();
  });

  it('keeps serving warm traffic, then writes every pending usage record once PostgreSQL is back', async (t) => {
    if (skip) return t.skip(skip);
    const call = async () => {
      const r = await postChat(o.url, s.secret);
      await r.text();
      return { status: r.status, id: r.headers.get('x-request-id')! };
    };
    assert.equal((await call()).status, 200); // warm
    await o.deps.usage.flush();

    await db.stop();
    const during = [];
    for (let i = 0; i < 20; i++) during.push(await call());
    assert.deepEqual(during.map((r) => r.status), Array(20).fill(200));
    await new Promise((r) => setTimeout(r, 300)); // a few failed flushes
    assert.ok(o.deps.usage.pendingCount >= 20, 'records are kept while the database is down');
    const health = await fetch(`${o.url}/v1/healthz`);
    assert.equal(health.status, 503);

    await db.start();
    await waitFor(() => o.deps.usage.pendingCount === 0, 15_000, 100);
    const rows = await o.deps.store.db.selectFrom('usage_records').select('request_id').execute();
    for (const r of during) assert.equal(rows.filter((x) => x.request_id === r.id).length, 1);
    assert.equal((await fetch(`${o.url}/v1/healthz`)).status, 200);
  });
});
