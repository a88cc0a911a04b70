import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { AdminClient } from '../helpers/admin-client.ts';

describe('operator passwords', () => {
  let o: TestOdock;
  before(async () => {
    o = await startOdock();
  });
  after(async () => o?.close());

  it('a new password ends the sessions opened with the old one', async () => {
    const admin = await AdminClient.login(o.url);
    const orgId = await admin.defaultOrgId();
    const user = await admin.ok('POST', `/api/organisations/${orgId}/users`, { email: 'pat@example.test', name: 'Pat', role: 'member', password: 'first-password-1' });
    const pat = await AdminClient.login(o.url, 'pat@example.test', 'first-password-1');
    assert.equal((await pat.get('/api/auth/me')).status, 200);
    await admin.ok('PATCH', `/api/organisations/${orgId}/users/${user.id}`, { password: 'second-password-2' });
    assert.equal((await pat.get('/api/auth/me')).status, 401);
    assert.equal((await AdminClient.login(o.url, 'pat@example.test', 'second-password-2').then(() => 'ok')), 'ok');
    assert.equal((await new AdminClient(o.url).post('/api/auth/login', { email: 'pat@example.test', password: 'first-password-1' })).status, 401);
  });

  it('removing an operator from their only organisation ends their sessions and access tokens', async () => {
    const admin = await AdminClient.login(o.url);
    const orgId = await admin.defaultOrgId();
    const user = await admin.ok('POST', `/api/organisations/${orgId}/users`, { email: 'sam@example.test', name: 'Sam', role: 'manager', password: 'sam-password-1' });
    const sam = await AdminClient.login(o.url, 'sam@example.test', 'sam-password-1');
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
