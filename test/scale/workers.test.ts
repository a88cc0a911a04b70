import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { spawnOdock, type OdockProcess } from '../helpers/odock-process.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_MASTER_KEY, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { PG_URL, REDIS_URL, dropSchema, needPostgres, needRedis, uniquePrefix, uniqueSchema } from '../helpers/services.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.ts';
import { startFakeAnthropic } from '../fakes/fake-anthropic.ts';
import type { FakeUpstream } from '../fakes/fake-server.ts';

const PROVIDER_KEY = 'sk-upstream-workers';

interface Answer { status: number; worker: string; body: any }

/**
 * One request on a connection of its own: the primary hands each new connection to the next
 * worker, so successive calls reach different workers (a keep-alive client would stay on one).
 */
function fresh(url: string, method: string, path: string, o: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  return new Promise((resolve, reject) => {
    const req = request(url + path, {
      method, agent: false,
      headers: { ...(body ? { 'content-type': 'application/json', origin: url } : {}), ...o.headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let parsed: any = text;
        try {
          parsed = JSON.parse(text);
        } catch { /* not JSON */ }
        resolve({ status: res.statusCode!, worker: String(res.headers['x-odock-worker']), body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const chat = (url: string, key: string) =>
  fresh(url, 'POST', '/v1/chat/completions', { headers: { authorization: `Bearer ${key}` }, body: { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] } });

/** Chats on fresh connections until both workers have answered; every answer must pass `check`. */
async function onBothWorkers(url: string, key: string, check: (a: Answer) => void): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < 20 && seen.size < 2; i++) {
    const a = await chat(url, key);
    check(a);
    seen.add(a.worker);
  }
  assert.equal(seen.size, 2, 'both workers answered');
  return seen;
}

/** Right-password logins on fresh connections until both workers answered. */
async function onBothWorkersLogin(url: string): Promise<Answer[]> {
  const out: Answer[] = [];
  for (let i = 0; i < 20 && new Set(out.map((a) => a.worker)).size < 2; i++) {
    out.push(await fresh(url, 'POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }));
  }
  assert.equal(new Set(out.map((a) => a.worker)).size, 2, 'both workers answered');
  return out;
}

const modes = [
  { name: 'embedded (SQLite, in-process counters in the primary)', env: async () => ({}) },
  {
    name: 'PostgreSQL + Redis',
    env: async () => {
      const skip = (await needPostgres()) ?? (await needRedis());
      if (skip) return skip;
      const prefix = uniquePrefix();
      return { DATABASE_URL: PG_URL, DATABASE_SCHEMA: uniqueSchema(), REDIS_URL, REDIS_KEY_PREFIX: prefix, CACHE_INVALIDATION_CHANNEL: `${prefix}inv` };
    },
  },
];

for (const mode of modes) {
  describe(`ODOCK_WORKERS=2, ${mode.name}`, () => {
    let odock: OdockProcess;
    let fake: FakeOpenAI;
    let anthropic: FakeUpstream;
    let s: SetupResult;
    let claude: SetupResult;
    let skip: string | undefined;
    let schema: string | undefined;

    before(async () => {
      const env = await mode.env();
      if (typeof env === 'string') {
        skip = env;
        return;
      }
      schema = (env as { DATABASE_SCHEMA?: string }).DATABASE_SCHEMA;
      fake = await startFakeOpenAI({ apiKey: PROVIDER_KEY });
      odock = await spawnOdock({
        ...env, ODOCK_WORKERS: '2', ODOCK_MASTER_KEY: TEST_MASTER_KEY, ODOCK_ADMIN_EMAIL: ADMIN_EMAIL, ODOCK_ADMIN_PASSWORD: ADMIN_PASSWORD,
        ODOCK_ALLOW_PRIVATE_UPSTREAMS: 'true', USAGE_FLUSH_INTERVAL_MS: '100', SHUTDOWN_GRACE_MS: '10000', LOGIN_MAX_FAILURES: '4',
      });
      s = await setupKey({ url: odock.url } as TestOdock, { baseUrl: fake.url, providerKey: PROVIDER_KEY });
      anthropic = await startFakeAnthropic({ apiKey: 'sk-ant-workers' });
      claude = await setupKey({ url: odock.url } as TestOdock, { providerType: 'ANTHROPIC', baseUrl: anthropic.url, providerKey: 'sk-ant-workers', models: { 'claude-w': { slug: 'claude-sonnet-4-5' } } });
    });
    after(async () => {
      await odock?.stop('SIGKILL');
      await fake?.close();
      await anthropic?.close();
      if (schema) await dropSchema(schema).catch(() => {});
    });

    it('starts once: one banner, and two workers answer on the one port', async (t) => {
      if (skip) return t.skip(skip);
      assert.equal(odock.output().match(/Odock is listening on/g)?.length, 1);
      assert.match(odock.output(), /2 workers/);
      await onBothWorkers(odock.url, s.secret, (a) => assert.equal(a.status, 200));
    });

    it('a requests-per-minute limit is global: the successes on both workers add up to the limit', async (t) => {
      if (skip) return t.skip(skip);
      const a = await AdminClient.login(odock.url);
      const k = await a.ok('POST', `/api/organisations/${s.orgId}/api-keys`, { type: 'ORGANISATION', name: 'rpm', policies: { ratelimit: { requests: { per_minute: 10 } } } });
      await a.ok('POST', `/api/organisations/${s.orgId}/api-keys/${k.id}/model-access`, { modelIds: [s.modelIds['gpt-4.1-mini']] });
      const { key } = await a.ok('POST', `/api/organisations/${s.orgId}/api-keys/${k.id}/reveal`);
      // More connections than workers, all at once, so both workers serve the burst.
      const results = await Promise.all(Array.from({ length: 30 }, () => chat(odock.url, key)));
      assert.equal(new Set(results.map((r) => r.worker)).size, 2, 'both workers served the burst');
      assert.equal(results.filter((r) => r.status === 200).length, 10);
      const limited = results.filter((r) => r.status === 429);
      assert.equal(limited.length, 20);
      assert.equal(limited[0].body.error.code, 'rpm_exceeded');
      assert.equal(new Set(limited.map((r) => r.worker)).size, 2, 'both workers refused');
    });

    it('a request quota is global: the budget ledger is shared, so both workers together admit the quota', async (t) => {
      if (skip) return t.skip(skip);
      const a = await AdminClient.login(odock.url);
      const k = await a.ok('POST', `/api/organisations/${s.orgId}/api-keys`, { type: 'ORGANISATION', name: 'quota' });
      await a.ok('POST', `/api/organisations/${s.orgId}/api-keys/${k.id}/model-access`, { modelIds: [s.modelIds['gpt-4.1-mini']] });
      await a.ok('POST', `/api/organisations/${s.orgId}/quotas`, { ownerType: 'API_KEY', ownerId: k.id, period: 'DAILY', metric: 'REQUESTS', limit: 10 });
      const { key } = await a.ok('POST', `/api/organisations/${s.orgId}/api-keys/${k.id}/reveal`);
      const results = await Promise.all(Array.from({ length: 30 }, () => chat(odock.url, key)));
      assert.equal(new Set(results.map((r) => r.worker)).size, 2, 'both workers served the burst');
      assert.equal(results.filter((r) => r.status === 200).length, 10);
      const refused = results.filter((r) => r.status === 429);
      assert.equal(refused.length, 20);
      assert.equal(refused[0].body.error.code, 'quota_exceeded');
      assert.equal(new Set(refused.map((r) => r.worker)).size, 2, 'both workers refused');
    });

    it('a key revoked through the admin API on one worker is refused by the other at once', async (t) => {
      if (skip) return t.skip(skip);
      // Both workers have the key in their in-process cache.
      await onBothWorkers(odock.url, s.secret, (a) => assert.equal(a.status, 200));
      const admin = new AdminClient(odock.url);
      const cookie = (await admin.call('POST', '/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).headers.get('set-cookie')!.split(';')[0];
      const revoke = await fresh(odock.url, 'POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/revoke`, { headers: { cookie }, body: {} });
      assert.equal(revoke.status, 200);
      // The very next calls, on both workers (the one that served the revoke and the other), are refused.
      const seen = await onBothWorkers(odock.url, s.secret, (a) => {
        assert.equal(a.status, 401);
        assert.equal(a.body.error.code, 'api_key_revoked');
      });
      assert.ok([...seen].some((w) => w !== revoke.worker), 'a worker other than the revoking one refused the key');
      await admin.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/unrevoke`);
      await onBothWorkers(odock.url, s.secret, (a) => assert.equal(a.status, 200));
    });

    it('usage records from both workers land exactly once', async (t) => {
      if (skip) return t.skip(skip);
      const ids = new Set<string>();
      const workers = new Set<string>();
      for (let i = 0; i < 10; i++) {
        const r = await fresh(odock.url, 'POST', '/v1/chat/completions', {
          headers: { authorization: `Bearer ${s.secret}`, 'x-request-id': `workers-usage-${i}-${process.pid}` },
          body: { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] },
        });
        assert.equal(r.status, 200);
        ids.add(`workers-usage-${i}-${process.pid}`);
        workers.add(r.worker);
      }
      assert.equal(workers.size, 2);
      const a = await AdminClient.login(odock.url);
      const page = async () => (await a.ok('GET', `/api/organisations/${s.orgId}/usage?limit=500`)).items.filter((u: any) => ids.has(u.requestId));
      await waitFor(async () => (await page()).length >= ids.size, 10_000, 100);
      const rows = await page();
      for (const id of ids) assert.equal(rows.filter((u: any) => u.requestId === id).length, 1, id);
    });

    it('a Responses output item answered by one worker can be referred to through the other', async (t) => {
      if (skip) return t.skip(skip);
      const auth = { authorization: `Bearer ${claude.secret}` };
      const first = await fresh(odock.url, 'POST', '/v1/responses', { headers: auth, body: { model: 'claude-w', input: 'Hello?' } });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const item = first.body.output.find((o: any) => o.type === 'message');
      const next = { model: 'claude-w', input: [{ role: 'user', content: 'Hello?' }, { type: 'item_reference', id: item.id }, { role: 'user', content: 'And?' }] };
      const seen = new Set<string>();
      for (let i = 0; i < 20 && !seen.has(`other`); i++) {
        const r = await fresh(odock.url, 'POST', '/v1/responses', { headers: auth, body: next });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        if (r.worker !== first.worker) seen.add('other');
      }
      assert.ok(seen.has('other'), 'the reference was resolved by the worker that did not answer first');
    });

    it('/metrics from either worker counts the requests of both', async (t) => {
      if (skip) return t.skip(skip);
      const served = async () => {
        const byWorker = new Map<string, number>();
        for (let i = 0; i < 20 && byWorker.size < 2; i++) {
          const r = await fresh(odock.url, 'GET', '/metrics');
          const total = [...String(r.body).matchAll(/^odock_requests_total\{[^}]*status="200"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
          byWorker.set(r.worker, total);
        }
        return byWorker;
      };
      const counts = await served();
      assert.equal(counts.size, 2);
      const [a, b] = [...counts.values()];
      // Both answered with the sum: the same figure (no call in between), and more than one worker served.
      assert.equal(a, b);
      assert.ok(a >= 20, `summed successes: ${a}`);
    });

    // Last but one: it blocks logins from this address for the window.
    it('failed logins are counted once for all workers: the limit is not multiplied by the workers', async (t) => {
      if (skip) return t.skip(skip);
      const wrong = { email: ADMIN_EMAIL, password: 'not-the-password' };
      const failures = [];
      for (let i = 0; i < 4; i++) failures.push(await fresh(odock.url, 'POST', '/api/auth/login', { body: wrong }));
      assert.deepEqual(failures.map((f) => f.status), [401, 401, 401, 401]);
      assert.equal(new Set(failures.map((f) => f.worker)).size, 2, 'both workers counted failures');
      // Each worker saw two; the fifth attempt is refused on either worker, even with the right password.
      const refused = await onBothWorkersLogin(odock.url);
      for (const r of refused) {
        assert.equal(r.status, 429);
        assert.equal(r.body.error.code, 'too_many_attempts');
      }
    });

    it('SIGTERM stops every worker and the primary cleanly', async (t) => {
      if (skip) return t.skip(skip);
      assert.equal(await odock.stop('SIGTERM'), 0);
      assert.doesNotMatch(odock.output(), /Cannot start|worker died/);
    });
  });
}
