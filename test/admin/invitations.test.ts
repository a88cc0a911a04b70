import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { joinByInvitation } from '../helpers/invite.ts';

const login = (url: string, email: string, password: string) => new AdminClient(url).post('/api/auth/login', { email, password });

// Operators join by invitation and choose their own password (product.md, Trust boundary).
describe('operator invitations', () => {
  let o: TestOdock;
  let superAdmin: AdminClient;
  let orgA: string;
  let orgB: string;
  let opB: AdminClient;
  before(async () => {
    o = await startOdock();
    superAdmin = await AdminClient.login(o.url);
    orgA = await superAdmin.defaultOrgId();
    orgB = (await superAdmin.ok('POST', '/api/organisations', { name: 'Org B' })).id;
    opB = await joinByInvitation(superAdmin, orgB, { email: 'b-admin@b.example', role: 'admin', password: 'b-admin-password' });
  });
  after(async () => o?.close());

  it('an admin of B cannot take over the operator an organisation A adds later (takeover by pre-set password)', async () => {
    // B pre-creates A's future CFO with a password of B's choosing…
    const preset = await opB.post(`/api/organisations/${orgB}/users`, { email: 'cfo@a.example', name: 'CFO', role: 'member', password: 'chosen-by-b-1' });
    assert.equal(preset.status, 400, `B set a password for someone else: ${JSON.stringify(preset.body)}`);
    assert.equal(preset.body.error.field, 'password');
    // …or invites that email to B and accepts the invitation itself.
    const inv = await opB.ok('POST', `/api/organisations/${orgB}/invitations`, { email: 'cfo@a.example', role: 'member' });
    await new AdminClient(o.url).ok('POST', '/api/auth/invitations/accept', { token: inv.token, password: 'chosen-by-b-2' });
    // A adds its CFO as an admin member.
    const cfo = await superAdmin.ok('POST', `/api/organisations/${orgA}/users`, { email: 'cfo@a.example', name: 'CFO', role: 'admin' });
    assert.equal(cfo.consoleAccess, false, 'a member record alone opens no console access');
    // B logs in with the password it chose: it reaches B, never A.
    for (const pw of ['chosen-by-b-1', 'chosen-by-b-2']) {
      const r = await login(o.url, 'cfo@a.example', pw);
      if (r.status !== 200) continue;
      const b = await AdminClient.login(o.url, 'cfo@a.example', pw);
      const me = await b.ok('GET', '/api/auth/me');
      assert.deepEqual(me.organisations.map((x: { id: string }) => x.id), [orgB], 'the login B controls is not a member of A');
      assert.equal((await b.get(`/api/organisations/${orgA}/api-keys`)).status, 404);
      assert.equal((await b.get(`/api/organisations/${orgA}/users`)).status, 404);
    }
    // A invites its CFO: the existing login must be proven; a new password never overwrites it.
    const invA = await superAdmin.ok('POST', `/api/organisations/${orgA}/invitations`, { email: 'cfo@a.example', role: 'admin' });
    const hijack = await new AdminClient(o.url).post('/api/auth/invitations/accept', { token: invA.token, password: 'a-new-password-1' });
    assert.equal(hijack.status, 401);
    assert.equal((await login(o.url, 'cfo@a.example', 'a-new-password-1')).status, 401, 'the existing password was not replaced');
    assert.equal((await superAdmin.ok('GET', `/api/organisations/${orgA}/invitations`)).items.length, 1, 'the invitation is still pending');
  });

  it('no organisation admin sets or resets a password (400), not even in their own organisation', async () => {
    const created = await opB.post(`/api/organisations/${orgB}/users`, { email: 'new@b.example', name: 'New', role: 'member', password: 'some-password-1' });
    assert.equal(created.status, 400);
    const member = await joinByInvitation(opB, orgB, { email: 'pat@b.example', role: 'member', password: 'pat-password-1' });
    const pat = (await opB.ok('GET', `/api/organisations/${orgB}/users?limit=500`)).items.find((u: { email: string }) => u.email === 'pat@b.example');
    assert.equal(pat.consoleAccess, true);
    const patched = await opB.patch(`/api/organisations/${orgB}/users/${pat.id}`, { password: 'taken-over-2' });
    assert.equal(patched.status, 400);
    assert.equal(patched.body.error.field, 'password');
    assert.equal((await login(o.url, 'pat@b.example', 'taken-over-2')).status, 401);
    assert.equal((await member.get('/api/auth/me')).status, 200, 'their session is untouched');
  });

  it('invite: the link is answered once, listed without its token, revocable; accepting starts a session with the role', async () => {
    const inv = await opB.ok('POST', `/api/organisations/${orgB}/invitations`, { email: 'Dana@B.example', role: 'manager' });
    assert.equal(inv.email, 'dana@b.example');
    assert.equal(inv.role, 'manager');
    assert.match(inv.token, /^odi_/);
    assert.ok(inv.url.endsWith(inv.token), inv.url);
    assert.ok(Date.parse(inv.expiresAt) > Date.now() + 71 * 3600_000, 'INVITATION_TTL_HOURS (72) ahead');
    const list = await opB.ok('GET', `/api/organisations/${orgB}/invitations`);
    assert.deepEqual(list.items.map((i: { email: string }) => i.email), ['dana@b.example']);
    assert.ok(!JSON.stringify(list).includes(inv.token), 'the token is never listed');

    const dana = new AdminClient(o.url);
    const tooShort = await dana.post('/api/auth/invitations/accept', { token: inv.token, password: 'short' });
    assert.equal(tooShort.status, 400);
    const accepted = await dana.ok('POST', '/api/auth/invitations/accept', { token: inv.token, password: 'dana-password-1', name: 'Dana' });
    assert.equal(accepted.operator.email, 'dana@b.example');
    const me = await dana.ok('GET', '/api/auth/me');
    assert.deepEqual(me.organisations.map((x: { id: string; role: string }) => [x.id, x.role]), [[orgB, 'manager']]);
    assert.equal((await dana.post(`/api/organisations/${orgB}/api-keys`, { type: 'ORGANISATION', name: 'dana' })).status, 201);
    assert.equal((await new AdminClient(o.url).post('/api/auth/invitations/accept', { token: inv.token, password: 'other-password-1' })).status, 404, 'a link works once');
    assert.equal((await opB.ok('GET', `/api/organisations/${orgB}/invitations`)).items.length, 0);

    const revoked = await opB.ok('POST', `/api/organisations/${orgB}/invitations`, { email: 'eve@b.example', role: 'admin' });
    assert.equal((await opB.del(`/api/organisations/${orgB}/invitations/${revoked.id}`)).status, 204);
    assert.equal((await new AdminClient(o.url).post('/api/auth/invitations/accept', { token: revoked.token, password: 'eve-password-1' })).status, 404);
    assert.equal((await login(o.url, 'eve@b.example', 'eve-password-1')).status, 401);
  });

  it('only admins invite; a manager and a member get 403, another organisation 404', async () => {
    const manager = await AdminClient.login(o.url, 'dana@b.example', 'dana-password-1');
    assert.equal((await manager.post(`/api/organisations/${orgB}/invitations`, { email: 'x@b.example', role: 'admin' })).status, 403);
    assert.equal((await manager.get(`/api/organisations/${orgB}/invitations`)).status, 403);
    assert.equal((await opB.post(`/api/organisations/${orgA}/invitations`, { email: 'x@a.example', role: 'admin' })).status, 404);
  });

  it('an operator with a login joins another organisation by proving it (password, or being logged in)', async () => {
    // Dana (B) is invited to A: the session she has is proof enough.
    const dana = await AdminClient.login(o.url, 'dana@b.example', 'dana-password-1');
    const inv = await superAdmin.ok('POST', `/api/organisations/${orgA}/invitations`, { email: 'dana@b.example', role: 'member' });
    await dana.ok('POST', '/api/auth/invitations/accept', { token: inv.token });
    assert.deepEqual((await dana.ok('GET', '/api/auth/me')).organisations.map((x: { id: string }) => x.id).sort(), [orgA, orgB].sort());
    // Pat (B) is invited to A and accepts from a fresh browser with their current password.
    const inv2 = await superAdmin.ok('POST', `/api/organisations/${orgA}/invitations`, { email: 'pat@b.example', role: 'member' });
    const fresh = new AdminClient(o.url);
    assert.equal((await fresh.post('/api/auth/invitations/accept', { token: inv2.token, password: 'wrong-password-9' })).status, 401);
    await fresh.ok('POST', '/api/auth/invitations/accept', { token: inv2.token, password: 'pat-password-1' });
    assert.equal((await fresh.ok('GET', '/api/auth/me')).operator.email, 'pat@b.example');
    assert.equal((await login(o.url, 'pat@b.example', 'pat-password-1')).status, 200, 'the password is unchanged');
    // Already a member with a login: no second invitation.
    assert.equal((await superAdmin.post(`/api/organisations/${orgA}/invitations`, { email: 'pat@b.example', role: 'admin' })).status, 409);
  });

  it('a super-admin reset forces a new password at next login; the old sessions and tokens end', async () => {
    const pat = await AdminClient.login(o.url, 'pat@b.example', 'pat-password-1');
    const { token } = await pat.ok('POST', '/api/auth/tokens', { name: 'script' });
    const user = (await superAdmin.ok('GET', `/api/organisations/${orgB}/users?limit=500`)).items.find((u: { email: string }) => u.email === 'pat@b.example');
    await superAdmin.ok('PATCH', `/api/organisations/${orgB}/users/${user.id}`, { password: 'temporary-pass-1' });
    assert.equal((await pat.get('/api/auth/me')).status, 401);
    assert.equal((await new AdminClient(o.url, token).get('/api/auth/me')).status, 401);
    const r = await login(o.url, 'pat@b.example', 'temporary-pass-1');
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'password_change_required');
    assert.equal(r.headers.get('set-cookie'), null, 'no session until the password is changed');
    assert.equal((await login(o.url, 'pat@b.example', 'pat-password-1')).status, 401);

    const changer = new AdminClient(o.url);
    assert.equal((await changer.post('/api/auth/password', { email: 'pat@b.example', currentPassword: 'wrong-password', newPassword: 'pat-password-2' })).status, 401);
    assert.equal((await changer.post('/api/auth/password', { email: 'pat@b.example', currentPassword: 'temporary-pass-1', newPassword: 'temporary-pass-1' })).status, 400);
    await changer.ok('POST', '/api/auth/password', { email: 'pat@b.example', currentPassword: 'temporary-pass-1', newPassword: 'pat-password-2' });
    assert.equal((await changer.ok('GET', '/api/auth/me')).operator.email, 'pat@b.example', 'the change opened a session');
    assert.equal((await login(o.url, 'pat@b.example', 'pat-password-2')).status, 200);
  });
});
