import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { joinByInvitation } from '../helpers/invite.ts';

const DAY = 86_400_000;

// Operator access tokens expire, are listed and revoked by their owner and by the organisation's admins.
describe('operator access tokens', () => {
  let o: TestOdock;
  let admin: AdminClient;
  let orgId: string;
  let kim: AdminClient;
  before(async () => {
    o = await startOdock({ env: { OPERATOR_TOKEN_TTL_DAYS: '30' } });
    admin = await AdminClient.login(o.url);
    orgId = await admin.defaultOrgId();
    kim = await joinByInvitation(admin, orgId, { email: 'kim@example.test', role: 'manager', password: 'kim-password-1' });
  });
  after(async () => o?.close());

  it('a token answers expiresAt: OPERATOR_TOKEN_TTL_DAYS by default, or a shorter expiresInDays', async () => {
    const def = await kim.ok('POST', '/api/auth/tokens', { name: 'default' });
    const left = Date.parse(def.expiresAt) - Date.now();
    assert.ok(left > 29 * DAY && left <= 30 * DAY, def.expiresAt);
    const short = await kim.ok('POST', '/api/auth/tokens', { name: 'short', expiresInDays: 7 });
    assert.ok(Date.parse(short.expiresAt) - Date.now() <= 7 * DAY);
    const tooLong = await kim.post('/api/auth/tokens', { name: 'long', expiresInDays: 31 });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.error.field, 'expiresInDays');
    const list = await kim.ok('GET', '/api/auth/tokens');
    assert.deepEqual(list.items.map((t: { name: string; expiresAt: string }) => [t.name, t.expiresAt]).sort(), [['default', def.expiresAt], ['short', short.expiresAt]].sort());
    for (const t of [def, short]) await kim.ok('DELETE', `/api/auth/tokens/${t.id}`);
  });

  it('an expired token is refused', async () => {
    const t = await kim.ok('POST', '/api/auth/tokens', { name: 'expiring' });
    const script = new AdminClient(o.url, t.token);
    assert.equal((await script.get('/api/auth/me')).status, 200);
    // Its expiry passes (moved into the past in the store, as time would).
    await o.deps.store.db.updateTable('operator_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', t.id).execute();
    assert.equal((await script.get('/api/auth/me')).status, 401);
    assert.equal((await kim.ok('GET', '/api/auth/tokens')).items.some((x: { id: string }) => x.id === t.id), false, 'no longer listed');
  });

  it('the organisation\'s admins list its operators\' tokens (never the secret) and revoke them; others cannot', async () => {
    const t = await kim.ok('POST', '/api/auth/tokens', { name: 'kim-ci' });
    const script = new AdminClient(o.url, t.token);
    const list = await admin.ok('GET', `/api/organisations/${orgId}/operator-tokens`);
    const row = list.items.find((x: { id: string }) => x.id === t.id);
    assert.equal(row.owner.email, 'kim@example.test');
    assert.equal(row.expiresAt, t.expiresAt);
    assert.equal(row.preview, t.token.slice(-4));
    const text = JSON.stringify(list);
    assert.ok(!text.includes(t.token) && !text.includes('token_hash') && !text.includes('hash'), 'neither the token nor its hash');
    // A manager (not admin) may not list or revoke them; another organisation's admin sees 404.
    assert.equal((await kim.get(`/api/organisations/${orgId}/operator-tokens`)).status, 403);
    assert.equal((await kim.del(`/api/organisations/${orgId}/operator-tokens/${t.id}`)).status, 403);
    const other = (await admin.ok('POST', '/api/organisations', { name: 'Other' })).id;
    const otherAdmin = await joinByInvitation(admin, other, { email: 'oa@example.test', role: 'admin', password: 'oa-password-1' });
    assert.equal((await otherAdmin.del(`/api/organisations/${other}/operator-tokens/${t.id}`)).status, 404, 'not a token of their members');
    assert.equal((await otherAdmin.get(`/api/organisations/${other}/operator-tokens`)).body.items.some((x: { id: string }) => x.id === t.id), false);
    assert.equal((await script.get('/api/auth/me')).status, 200);

    assert.equal((await admin.del(`/api/organisations/${orgId}/operator-tokens/${t.id}`)).status, 204);
    assert.equal((await script.get('/api/auth/me')).status, 401);
    assert.equal((await kim.ok('GET', '/api/auth/tokens')).items.some((x: { id: string }) => x.id === t.id), false);
  });

  it('the owner lists and revokes their own, and cannot touch another operator\'s', async () => {
    const mine = await admin.ok('POST', '/api/auth/tokens', { name: 'admin-ci' });
    assert.equal((await kim.del(`/api/auth/tokens/${mine.id}`)).status, 404);
    assert.equal((await admin.del(`/api/auth/tokens/${mine.id}`)).status, 204);
    assert.equal((await new AdminClient(o.url, mine.token).get('/api/auth/me')).status, 401);
  });
});
