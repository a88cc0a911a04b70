import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { verifyPassword } from '../../crypto/passwords.ts';
import {
  addMember, addOperator, addOrg, addSession, addToken, credentialsOf, gatewayError, openIdentityStore, verifierOf, type IdentityStore,
} from '../testing/identity-store.ts';
import { createAuthService } from './auth.service.ts';

describe('auth service', () => {
  let s: IdentityStore;
  let auth: ReturnType<typeof createAuthService>;
  before(async () => {
    s = await openIdentityStore();
    auth = createAuthService({ verify: verifierOf(s, 3), organisations: s.repos.organisations, users: s.repos.users, transaction: s.transaction });
  });
  after(() => s.close());

  it('logs in with the right password only; one answer for an unknown email and a wrong password', async () => {
    await addOperator(s, 'ann@example.test', { password: 'ann password' });
    assert.equal((await auth.login('ann@example.test', 'ann password')).email, 'ann@example.test');
    await assert.rejects(auth.login('ann@example.test', 'wrong password'), gatewayError('unauthorized'));
    await assert.rejects(auth.login('nobody@example.test', 'wrong password'), gatewayError('unauthorized'));
  });

  it('stops guessing after the failure limit, even with the right password', async () => {
    await addOperator(s, 'bea@example.test', { password: 'bea password' });
    for (let i = 0; i < 3; i++) await assert.rejects(auth.login('bea@example.test', `guess ${i}`, '192.0.2.7'), gatewayError('unauthorized'));
    await assert.rejects(auth.login('bea@example.test', 'bea password', '192.0.2.8'), gatewayError('too_many_attempts'));
  });

  it('a reset password opens no session: the operator must choose a new one', async () => {
    await addOperator(s, 'cid@example.test', { password: 'cid password', mustChange: true });
    await assert.rejects(auth.login('cid@example.test', 'cid password'), gatewayError('password_change_required'));
  });

  it('lists the organisations of a member with their role; all of them, as admin, for a super-admin', async () => {
    const a = await addOrg(s, 'Alpha');
    await addOrg(s, 'Beta');
    const dee = await addOperator(s, 'dee@example.test');
    await addMember(s, a, 'dee@example.test', 'manager', dee.id);
    assert.deepEqual(await auth.organisationsOf(dee), [{ id: a, name: 'Alpha', role: 'manager' }]);
    const root = await addOperator(s, 'root@example.test', { superAdmin: true });
    const all = await auth.organisationsOf(root);
    assert.ok(all.length >= 2 && all.every((o) => o.role === 'admin'));
  });

  it('a logged-in change keeps this session and ends every other session and every token', async () => {
    const eve = await addOperator(s, 'eve@example.test', { password: 'eve password' });
    const [mine, other] = [await addSession(s, eve.id), await addSession(s, eve.id)];
    await addToken(s, eve.id);
    await assert.rejects(auth.changePassword({ current: { ...eve, via: 'session', sessionHash: mine }, currentPassword: 'not it', newPassword: 'eve password 2' }),
      gatewayError('invalid_request', 'currentPassword'));
    await assert.rejects(auth.changePassword({ current: { ...eve, via: 'session', sessionHash: mine }, currentPassword: 'eve password', newPassword: 'eve password' }),
      gatewayError('invalid_request', 'newPassword'));
    const r = await auth.changePassword({ current: { ...eve, via: 'session', sessionHash: mine }, currentPassword: 'eve password', newPassword: 'eve password 2' });
    assert.deepEqual(r, { operatorId: eve.id, keptSession: true });
    assert.deepEqual(await credentialsOf(s, eve.id, [mine, other]), { sessions: [mine], tokens: 0 });
    const op = await s.repos.operators.findByEmail('eve@example.test');
    assert.ok(op && (await verifyPassword('eve password 2', op.password_hash)));
  });

  it('the forced change after a reset needs the email, clears the flag, and leaves the session to the caller', async () => {
    const fay = await addOperator(s, 'fay@example.test', { password: 'temporary 1', mustChange: true });
    await assert.rejects(auth.changePassword({ currentPassword: 'temporary 1', newPassword: 'fay password' }), gatewayError('unauthorized'));
    const r = await auth.changePassword({ email: 'fay@example.test', currentPassword: 'temporary 1', newPassword: 'fay password' });
    assert.deepEqual(r, { operatorId: fay.id, keptSession: false });
    assert.equal((await auth.login('fay@example.test', 'fay password')).must_change_password, 0);
  });
});
