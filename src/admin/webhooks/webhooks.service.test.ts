import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTempStore, type TempStore } from '../../store/testing/temp-store.ts';
import { webhookRepo } from '../../store/repos/webhook.repo.ts';
import { refusal, testVault } from '../shared/service-testing.ts';
import { webhookSecretContext } from '../../budgets/webhook-dispatcher.ts';
import { createWebhookService } from './webhooks.service.ts';
import { webhookView } from './webhooks.routes.ts';

describe('webhook service', () => {
  let t: TempStore;
  let orgId: string;
  let otherOrg: string;
  const vault = testVault();
  let hooks: ReturnType<typeof createWebhookService>;
  before(async () => {
    t = await openTempStore();
    orgId = await t.seedOrganisation();
    otherOrg = await t.seedOrganisation();
    hooks = createWebhookService({ repo: webhookRepo(t.store.db), vault, allowPrivate: false });
  });
  after(() => t.close());

  it('stores the secret encrypted, bound to its webhook, and never shows it', async () => {
    const secret = 'whsec-0123456789abcdef';
    const w = await hooks.create(orgId, { url: 'https://hooks.example.test/odock', secret, events: ['budget.threshold'] });
    assert.ok(!w.secret_ciphertext.includes(secret));
    assert.equal(vault.decrypt(w.secret_ciphertext, webhookSecretContext(orgId, w.id)), secret);
    assert.throws(() => vault.decrypt(w.secret_ciphertext, webhookSecretContext(otherOrg, w.id)));
    assert.ok(!JSON.stringify(webhookView(w)).includes(w.secret_ciphertext));
    assert.equal('secret' in webhookView(w), false);
  });

  it('URLs that fail the SSRF guard are refused on create and on change', async () => {
    for (const url of ['http://169.254.169.254/latest', 'http://127.0.0.1:8080/hook', 'http://localhost/hook', 'ftp://example.test/x', 'https://user:pw@example.test/']) {
      assert.deepEqual(await refusal(() => hooks.create(orgId, { url, secret: 's'.repeat(20), events: ['budget.threshold'] })).then((r) => [r.code, r.field]), ['invalid_request', 'url'], url);
    }
    const w = await hooks.create(orgId, { url: 'https://ok.example.test/', secret: 's'.repeat(20), events: ['budget.threshold'] });
    assert.equal((await refusal(() => hooks.update(orgId, w.id, { url: 'http://[::1]/' }))).field, 'url');
  });

  it('another organisation\'s webhook and its deliveries are 404', async () => {
    const w = await hooks.create(orgId, { url: 'https://mine.example.test/', secret: 's'.repeat(20), events: ['budget.threshold'] });
    for (const fn of [() => hooks.get(otherOrg, w.id), () => hooks.update(otherOrg, w.id, { enabled: false }), () => hooks.delete(otherOrg, w.id), () => hooks.deliveries(otherOrg, w.id, { limit: 10 })]) {
      assert.equal((await refusal(fn)).code, 'not_found');
    }
  });
});
