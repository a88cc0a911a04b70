import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { verifyPassword } from '../../crypto/passwords.ts';
import {
  addMember, addOperator, addOrg, addSession, addToken, credentialsOf, gatewayError, openIdentityStore, type IdentityStore,
} from '../testing/identity-store.ts';
import { createUserService } from './users.service.ts';

describe('user service', () => {
  let s: IdentityStore;
  let users: ReturnType<typeof createUserService>;
  let orgId: string;
  before(async () => {
    s = await openIdentityStore();
    users = createUserService({ users: s.repos.users, transaction: s.transaction, invalidateOrg: s.invalidateOrg });
    orgId = await addOrg(s);
  });
  after(() => s.close());

  it('creates a member without console access, and refuses a second one with the same email (409 on email)', async () => {
    const u = await users.create(orgId, { email: 'new@example.test', name: 'New', role: 'member' });
    assert.equal(u.operator_id, null);
    await assert.rejects(users.create(orgId, { email: 'new@example.test', name: 'Again', role: 'admin' }), gatewayError('conflict', 'email'));
  });

  it('lets only a super-admin reset a password, and only of a member with a login', async () => {
    const admin = await addOperator(s, 'org-admin@example.test');
    const root = await addOperator(s, 'root@example.test', { superAdmin: true });
    const carol = await addOperator(s, 'carol@example.test');
    const carolMember = await addMember(s, orgId, 'carol@example.test', 'member', carol.id);
    const noLogin = await addMember(s, orgId, 'nologin@example.test', 'member');
    await assert.rejects(users.update(orgId, carolMember, { password: 'a new password' }, admin), gatewayError('invalid_request', 'password'));
    await assert.rejects(users.update(orgId, noLogin, { password: 'a new password' }, root), gatewayError('invalid_request', 'password'));
  });

  it("a super-admin's reset sets the password, forces a change at next login, and ends every session and token", async () => {
    const root = await addOperator(s, 'root2@example.test', { superAdmin: true });
    const dan = await addOperator(s, 'dan@example.test');
    const member = await addMember(s, orgId, 'dan@example.test', 'member', dan.id);
    const sessions = [await addSession(s, dan.id), await addSession(s, dan.id)];
    await addToken(s, dan.id);
    await users.update(orgId, member, { password: 'reset password 1' }, root);
    const op = await s.repos.operators.findByEmail('dan@example.test');
    assert.ok(op && (await verifyPassword('reset password 1', op.password_hash)));
    assert.equal(op.must_change_password, 1);
    assert.deepEqual(await credentialsOf(s, dan.id, sessions), { sessions: [], tokens: 0 });
  });

  it('an admin cannot remove their own admin role; a super-admin can change theirs', async () => {
    const erin = await addOperator(s, 'erin@example.test');
    const erinMember = await addMember(s, orgId, 'erin@example.test', 'admin', erin.id);
    await assert.rejects(users.update(orgId, erinMember, { role: 'manager' }, erin), gatewayError('invalid_request', 'role'));
    assert.equal((await users.update(orgId, erinMember, { name: 'Erin A.' }, erin)).name, 'Erin A.');
    const root = await addOperator(s, 'root3@example.test', { superAdmin: true });
    const rootMember = await addMember(s, orgId, 'root3@example.test', 'admin', root.id);
    assert.equal((await users.update(orgId, rootMember, { role: 'member' }, root)).role, 'member');
  });

  it("removing an operator's last membership ends their sessions and tokens; another membership or super-admin keeps them", async () => {
    const other = await addOrg(s, 'Elsewhere');
    const frank = await addOperator(s, 'frank@example.test');
    const gina = await addOperator(s, 'gina@example.test');
    const root = await addOperator(s, 'root4@example.test', { superAdmin: true });
    const frankMember = await addMember(s, orgId, 'frank@example.test', 'member', frank.id);
    const ginaMember = await addMember(s, orgId, 'gina@example.test', 'member', gina.id);
    await addMember(s, other, 'gina@example.test', 'member', gina.id);
    const rootMember = await addMember(s, orgId, 'root4@example.test', 'admin', root.id);
    const sessions = { frank: [await addSession(s, frank.id)], gina: [await addSession(s, gina.id)], root: [await addSession(s, root.id)] };
    await addToken(s, frank.id);
    await addToken(s, gina.id);
    s.invalidated.length = 0;
    await users.delete(orgId, frankMember);
    await users.delete(orgId, ginaMember);
    await users.delete(orgId, rootMember);
    assert.deepEqual(await credentialsOf(s, frank.id, sessions.frank), { sessions: [], tokens: 0 });
    assert.deepEqual(await credentialsOf(s, gina.id, sessions.gina), { sessions: sessions.gina, tokens: 1 });
    assert.deepEqual(await credentialsOf(s, root.id, sessions.root), { sessions: sessions.root, tokens: 0 });
    assert.deepEqual(s.invalidated, [orgId, orgId, orgId]);
    await assert.rejects(users.get(orgId, frankMember), gatewayError('not_found'));
  });
});
