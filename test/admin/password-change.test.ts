import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { joinByInvitation } from '../helpers/invite.ts';

describe('operator passwords', () => {
  let o: TestOdock;
  before(async () => {
    o = await startOdock();
  });
  after(async () => o?.close());

  it('an operator changes their own password with the current one; their other sessions and all their tokens end', async () => {
    const admin = await AdminClient.login(o.url);
    const orgId = await admin.defaultOrgId();
    const pat = await joinByInvitation(admin, orgId, { email: 'pat@example.test', name: 'Pat', role: 'member', password: 'first-password-1' });
    const laptop = await AdminClient.login(o.url, 'pat@example.test', 'first-password-1');
    const { token } = await laptop.ok('POST', '/api/auth/tokens', { name: 'script' });
    const script = new AdminClient(o.url, token);
    assert.equal((await script.get('/api/auth/me')).status, 200);

    const wrong = await pat.post('/api/auth/password', { currentPassword: 'not-my-password', newPassword: 'second-password-2' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.field, 'currentPassword');
    const short = await pat.post('/api/auth/password', { currentPassword: 'first-password-1', newPassword: 'short' });
    assert.equal(short.status, 400);
    assert.equal(short.body.error.field, 'newPassword');

    await pat.ok('POST', '/api/auth/password', { currentPassword: 'first-password-1', newPassword: 'second-password-2' });
    assert.equal((await pat.get('/api/auth/me')).status, 200, 'the session that changed it goes on');
    assert.equal((await laptop.get('/api/auth/me')).status, 401, 'other sessions end');
    assert.equal((await script.get('/api/auth/me')).status, 401, 'access tokens end');
    assert.equal((await AdminClient.login(o.url, 'pat@example.test', 'second-password-2').then(() => 'ok')), 'ok');
    assert.equal((await new AdminClient(o.url).post('/api/auth/login', { email: 'pat@example.test', password: 'first-password-1' })).status, 401);
    assert.equal((await admin.get('/api/auth/me')).status, 200, 'other operators are untouched');
  });

  it('removing an operator from their only organisation ends their sessions and access tokens', async () => {
    const admin = await AdminClient.login(o.url);
    const orgId = await admin.defaultOrgId();
    const sam = await joinByInvitation(admin, orgId, { email: 'sam@example.test', name: 'Sam', role: 'manager', password: 'sam-password-1' });
    const user = (await admin.ok('GET', `/api/organisations/${orgId}/users?limit=500`)).items.find((u: { email: string }) => u.email === 'sam@example.test');
    const { token } = await sam.ok('POST', '/api/auth/tokens', { name: 'script' });
    const script = new AdminClient(o.url, token);
    assert.equal((await script.get(`/api/organisations/${orgId}/models`)).status, 200);
    await admin.ok('DELETE', `/api/organisations/${orgId}/users/${user.id}`);
    assert.equal((await sam.get('/api/auth/me')).status, 401);
    assert.equal((await script.get('/api/auth/me')).status, 401);
    // The administrator's own session is untouched.
    assert.equal((await admin.get('/api/auth/me')).status, 200);
  });
});
