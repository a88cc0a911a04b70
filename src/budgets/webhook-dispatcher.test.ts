// Alerts and their webhook outbox on a real store (SQLite and PostgreSQL): a crossing seen by two
// instances makes one alert and one delivery; two dispatchers polling together send it once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openStore, nowIso, type Store } from '../store/db.ts';
import { budgetRepo } from '../store/repos/budget.repo.ts';
import { webhookRepo } from '../store/repos/webhook.repo.ts';
import { testVault } from '../admin/shared/service-testing.ts';
import { DIALECTS, PG_URL, dropSchema, needPostgres, uniqueSchema } from '../../test/helpers/services.ts';
import { createAlertSink } from './budget-alerts.ts';
import { WebhookDispatcher, webhookSecretContext } from './webhook-dispatcher.ts';

for (const dialect of DIALECTS) {
  describe(`budget alerts and webhook outbox: ${dialect}`, { skip: dialect === 'postgres' ? await needPostgres() : undefined }, () => {
    let store: Store;
    let schema: string | undefined;
    let server: Server;
    const received: { body: string; signature: string }[] = [];
    let url = '';
    before(async () => {
      schema = dialect === 'postgres' ? uniqueSchema() : undefined;
      store = openStore(dialect === 'postgres' ? { databaseUrl: PG_URL, schema } : { databaseUrl: 'sqlite::memory:' });
      await store.migrate();
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => {
          received.push({ body, signature: String(req.headers['x-odock-signature']) });
          res.end();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    });
    after(async () => {
      await new Promise((r) => server.close(r));
      await store.close();
      if (schema) await dropSchema(schema);
    });

    it('one crossing seen twice makes one delivery, sent once by two dispatchers, signed', async () => {
      const { db } = store;
      const vault = testVault();
      const orgId = randomUUID();
      const now = nowIso();
      await db.insertInto('organisations').values({ id: orgId, name: `o-${orgId.slice(0, 6)}`, policies: '{}', created_at: now, updated_at: now }).execute();
      const budgetId = randomUUID();
      await budgetRepo(db).insertBudget({ id: budgetId, organisation_id: orgId, owner_type: 'ORGANISATION', owner_id: orgId, period: 'MONTHLY', timezone: 'UTC', amount_nano_usd: 10e9, rollover: 0, thresholds: '[80]', action: 'BLOCK', created_at: now, updated_at: now });
      const hookId = randomUUID();
      const secret = 'a-long-enough-secret-0001';
      await webhookRepo(db).insert({ id: hookId, organisation_id: orgId, url, secret_ciphertext: vault.encrypt(secret, webhookSecretContext(orgId, hookId)), events: '["budget.threshold"]', enabled: 1, created_at: now, updated_at: now });

      const sink = createAlertSink({ repo: budgetRepo(db), webhooks: webhookRepo(db) });
      const crossing = { orgId, budgetId, periodStart: Date.parse('2026-11-01T00:00:00Z'), threshold: 80, spentNano: 8e9, limitNano: 10e9 };
      await Promise.all([sink(crossing), sink({ ...crossing, spentNano: 9e9 })]);
      const queued = await webhookRepo(db).deliveries(orgId, hookId, { limit: 10 });
      assert.equal(queued.length, 1);

      const a = new WebhookDispatcher({ repo: webhookRepo(db), vault, allowPrivate: true });
      const b = new WebhookDispatcher({ repo: webhookRepo(db), vault, allowPrivate: true });
      await Promise.all([a.kick(), b.kick(), a.kick(), b.kick()]);
      await Promise.all([a.close(), b.close()]);
      assert.equal(received.length, 1);
      assert.equal(received[0].signature, `sha256=${createHmac('sha256', secret).update(received[0].body).digest('hex')}`);
      assert.equal(JSON.parse(received[0].body).data.spentUsd, '8.00');
      const [row] = await webhookRepo(db).deliveries(orgId, hookId, { limit: 10 });
      assert.equal(row.status, 'DELIVERED');
      assert.equal(row.attempts, 1);
    });

    it('a webhook URL refused by the SSRF guard at connect time is retried, then marked FAILED', async () => {
      const { db } = store;
      const vault = testVault();
      const orgId = randomUUID();
      const now = nowIso();
      await db.insertInto('organisations').values({ id: orgId, name: `o-${orgId.slice(0, 6)}`, policies: '{}', created_at: now, updated_at: now }).execute();
      const hookId = randomUUID();
      await webhookRepo(db).insert({ id: hookId, organisation_id: orgId, url, secret_ciphertext: vault.encrypt('s'.repeat(20), webhookSecretContext(orgId, hookId)), events: '["budget.threshold"]', enabled: 1, created_at: now, updated_at: now });
      await webhookRepo(db).enqueue([{ id: randomUUID(), organisation_id: orgId, webhook_id: hookId, event: 'budget.threshold', payload: '{}', status: 'PENDING', attempts: 0, next_attempt_at: now, claimed_by: null, claimed_until: null, last_status_code: null, last_error: null, delivered_at: null, created_at: now }]);
      let clock = Date.now();
      // Loopback is private: without ODOCK_ALLOW_PRIVATE_UPSTREAMS every attempt is refused.
      const d = new WebhookDispatcher({ repo: webhookRepo(db), vault, allowPrivate: false, maxAttempts: 2, retryBaseMs: 1000, now: () => clock });
      const before = received.length;
      await d.kick();
      let [row] = await webhookRepo(db).deliveries(orgId, hookId, { limit: 10 });
      assert.equal(row.status, 'PENDING');
      assert.equal(row.last_error, 'ESSRF');
      clock += 1000;
      await d.kick();
      [row] = await webhookRepo(db).deliveries(orgId, hookId, { limit: 10 });
      assert.equal(row.status, 'FAILED');
      assert.equal(row.attempts, 2);
      assert.equal(received.length, before);
      await d.close();
    });
  });
}
