import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { openTempStore, type TempStore } from '../../src/store/testing/temp-store.ts';
import { SqliteUsageWorker } from '../../src/store/sqlite-usage-worker.ts';
import { UsageWriter, type UsageRecordInput } from '../../src/usage/usage-writer.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_MASTER_KEY, startOdock, type TestOdock } from '../helpers/odock.ts';
import { spawnOdock } from '../helpers/odock-process.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { postChat } from '../helpers/chat.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';

const record = (requestId: string, apiKeyId: string | null = null): UsageRecordInput => ({
  request_id: requestId, organisation_id: 'org', team_id: null, user_id: null, api_key_id: apiKeyId, provider_id: null, provider_type: null,
  model_id: null, model_name: 'm', upstream_slug: null, surface: 'openai-chat', input_tokens: 1, output_tokens: 2, cached_tokens: 0,
  reasoning_tokens: 0, cost_nano_usd: 3, latency_ms: 4, ttft_ms: null, status: 200, error_code: null, streamed: 0,
});

/** Usage writes on SQLite run on a worker thread with its own connection; every writer guarantee holds there too. */
describe('usage writes on SQLite run off the main thread', () => {
  let t: TempStore;
  let repo: SqliteUsageWorker;
  before(async () => {
    t = await openTempStore();
    repo = new SqliteUsageWorker({ file: t.store.sqliteFile!, busyTimeoutMs: 50 });
  });
  after(async () => {
    await repo?.close();
    await t?.close();
  });
  const requestIds = async () => (await t.store.db.selectFrom('usage_records').select('request_id').execute()).map((r) => r.request_id).sort();

  it('a flush is written by another thread, runs no query on the main connection, and is visible to it when flush() resolves', async () => {
    const w = new UsageWriter(repo, 60_000);
    for (let i = 0; i < 1200; i++) w.record(record(`a${i}`));
    w.recordMcp({ request_id: 'mcp-a', organisation_id: 'org', api_key_id: null, mcp_server_id: null, method: 'tools/call', tool: 't', bytes_in: 1, bytes_out: 2, status: 200, error_code: null, blocked: 0, latency_ms: 3 });
    const before = t.store.queryCount;
    await w.flush();
    assert.equal(t.store.queryCount, before, 'no query on the main thread connection');
    assert.ok(repo.lastWriterThreadId !== undefined && repo.lastWriterThreadId !== threadId, `written by thread ${repo.lastWriterThreadId}, main is ${threadId}`);
    assert.equal(w.pendingCount, 0);
    assert.equal((await requestIds()).length, 1200);
    const mcp = await t.store.db.selectFrom('mcp_usage_records').select('request_id').execute();
    assert.deepEqual(mcp.map((r) => r.request_id), ['mcp-a']);
  });

  it('a batch offered twice (same generated ids) is written once', async () => {
    const rows = ['b0', 'b1', 'b2'].map((r) => ({ ...record(r), id: randomUUID(), created_at: new Date().toISOString() }));
    await repo.insertUsage(rows);
    await repo.insertUsage(rows);
    assert.deepEqual((await requestIds()).filter((r) => r.startsWith('b')), ['b0', 'b1', 'b2']);
  });

  it('a record the database refuses is dropped alone', async () => {
    const w = new UsageWriter(repo, 60_000);
    w.record(record('good-1'));
    w.record({ ...record('bad'), surface: null as unknown as string }); // NOT NULL violation
    w.record(record('good-2'));
    await w.flush();
    assert.equal(w.pendingCount, 0);
    assert.equal(w.dropped, 1);
    const ids = await requestIds();
    assert.ok(ids.includes('good-1') && ids.includes('good-2'));
    assert.ok(!ids.includes('bad'));
  });

  it('a database the worker cannot write to (locked) keeps the batch for the next flush', async () => {
    const w = new UsageWriter(repo, 60_000);
    w.record(record('locked-1'));
    // Another connection holds the write lock past the worker's busy timeout: SQLITE_BUSY, not a refusal.
    const other = new SQLite(t.store.sqliteFile!);
    other.exec('begin immediate');
    try {
      await w.flush();
      assert.equal(w.pendingCount, 1, 'kept for a retry');
      assert.equal(w.dropped, 0);
    } finally {
      other.exec('rollback');
      other.close();
    }
    await w.flush();
    assert.equal(w.pendingCount, 0);
    assert.ok((await requestIds()).includes('locked-1'));
  });

  it('last-used stamps are written by the worker', async () => {
    const orgId = await t.seedOrganisation();
    const keyId = randomUUID();
    const now = new Date().toISOString();
    await t.store.db.insertInto('api_keys').values({
      id: keyId, organisation_id: orgId, type: 'ORGANISATION', team_id: null, user_id: null, name: 'k', key_hash: randomUUID(), key_last4: 'abcd',
      pending_secret: null, expiry: null, expiry_local: null, timezone: 'UTC', revealed: 1, revoked: 0, policies: '{}', created_by: null,
      created_at: now, updated_at: now, last_used_at: null,
    }).execute();
    const w = new UsageWriter(repo, 60_000);
    w.record({ ...record('stamp'), organisation_id: orgId, api_key_id: keyId });
    await w.flush();
    const row = await t.store.db.selectFrom('api_keys').select('last_used_at').where('id', '=', keyId).executeTakeFirstOrThrow();
    assert.ok(row.last_used_at, 'stamped');
  });

  it('a worker thread that ended is started again on the next write', async () => {
    const w = new UsageWriter(repo, 60_000);
    w.record(record('before-crash'));
    await w.flush();
    const first = repo.lastWriterThreadId;
    await (repo as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    w.record(record('after-crash'));
    await w.flush();
    assert.equal(w.pendingCount, 0);
    assert.notEqual(repo.lastWriterThreadId, first, 'a new thread');
    assert.ok((await requestIds()).includes('after-crash'));
  });

  it('close() flushes what is queued', async () => {
    const w = new UsageWriter(repo, 60_000);
    w.start();
    w.record(record('at-close'));
    await w.close();
    assert.ok((await requestIds()).includes('at-close'));
  });
});

describe('the gateway on a SQLite file writes usage off the main thread', () => {
  let o: TestOdock;
  let fake: FakeOpenAI;
  let a: SetupResult;
  before(async () => {
    fake = await startFakeOpenAI({ apiKey: 'sk-upstream-usage-worker-01' });
    o = await startOdock({ dialect: 'sqlite', env: { USAGE_FLUSH_INTERVAL_MS: '60000' } });
    a = await setupKey(o, { baseUrl: fake.url, providerKey: 'sk-upstream-usage-worker-01' });
  });
  after(async () => {
    await o?.close();
    await fake?.close();
  });

  it('a chat call leaves its usage record and last-used stamp without a write on the main connection', async () => {
    const res = await postChat(o.url, a.secret, {}, { 'x-request-id': 'worker-chat' });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const before = o.deps.store.queryCount;
    await o.deps.usage.flush();
    assert.equal(o.deps.store.queryCount, before, 'the flush ran no query on the main thread');
    const items = (await a.client.ok('GET', `/api/organisations/${a.orgId}/usage?apiKeyId=${a.keyId}&limit=10`)).items as { request_id?: string; requestId?: string }[];
    assert.equal(items.length, 1);
    const key = await o.deps.store.db.selectFrom('api_keys').select('last_used_at').where('id', '=', a.keyId).executeTakeFirstOrThrow();
    assert.ok(key.last_used_at, 'last-used stamped');
  });
});

describe('the server bundle (`npm start`) writes usage through its worker', () => {
  it('a chat call through the bundle is in the database after a graceful stop', async () => {
    const fake = await startFakeOpenAI({ apiKey: 'sk-upstream-usage-worker-02' });
    const dir = mkdtempSync(join(tmpdir(), 'odock-usage-bundle-'));
    const file = join(dir, 'odock.db');
    try {
      // A flush interval longer than the test: only the shutdown flush can write the record.
      const node = await spawnOdock({
        DATABASE_URL: `sqlite:${file}`, ODOCK_MASTER_KEY: TEST_MASTER_KEY, ODOCK_ALLOW_PRIVATE_UPSTREAMS: 'true',
        ODOCK_ADMIN_EMAIL: ADMIN_EMAIL, ODOCK_ADMIN_PASSWORD: ADMIN_PASSWORD, USAGE_FLUSH_INTERVAL_MS: '60000',
      });
      try {
        const s = await setupKey({ url: node.url } as TestOdock, { baseUrl: fake.url, providerKey: 'sk-upstream-usage-worker-02' });
        const res = await postChat(node.url, s.secret, {}, { 'x-request-id': 'bundle-chat' });
        assert.equal(res.status, 200);
        await res.arrayBuffer();
        assert.equal(await node.stop('SIGTERM'), 0, node.output());
        const db = new SQLite(file, { readonly: true });
        const rows = db.prepare('select request_id from usage_records where api_key_id = ?').all(s.keyId) as { request_id: string }[];
        const key = db.prepare('select last_used_at from api_keys where id = ?').get(s.keyId) as { last_used_at: string | null };
        db.close();
        assert.deepEqual(rows.map((r) => r.request_id), ['bundle-chat']);
        assert.ok(key.last_used_at, 'last-used stamped');
      } finally {
        await node.stop('SIGKILL');
      }
    } finally {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
