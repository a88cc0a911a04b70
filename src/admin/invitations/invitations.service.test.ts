import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sha256Hex } from '../../crypto/tokens.ts';
import { verifyPassword } from '../../crypto/passwords.ts';
import { addMember, addOperator, addOrg, gatewayError, openIdentityStore, verifierOf, type IdentityStore } from '../testing/identity-store.ts';
import { createInvitationService } from './invitations.service.ts';

describe('invitation service', () => {
  let s: IdentityStore;
  let invitations: ReturnType<typeof createInvitationService>;
  let orgId: string;
  let inviter: string;
  before(async () => {
    s = await openIdentityStore();
    invitations = createInvitationService({
      ...s.repos, verify: verifierOf(s), transaction: s.transaction, invalidateOrg: s.invalidateOrg, ttlHours: 72,
    });
    orgId = await addOrg(s, 'Acme');
    inviter = (await addOperator(s, 'admin@example.test')).id;
  });
  after(() => s.close());

  it('keeps one live link per email (inviting again replaces it) and stores only the hash of its token', async () => {
    const first = await invitations.invite(orgId, inviter, { email: 'ann@example.test', role: 'member' });
    const second = await invitations.invite(orgId, inviter, { email: 'ann@example.test', role: 'manager' });
    assert.match(second.token, /^odi_/);
    assert.equal(second.invitation.token_hash, sha256Hex(second.token));
    const live = (await invitations.listLive(orgId, { limit: 50 })).filter((i) => i.email === 'ann@example.test');
    assert.deepEqual(live.map((i) => [i.id, i.role]), [[second.invitation.id, 'manager']]);
    await assert.rejects(invitations.accept({ token: first.token, password: 'ann password' }), gatewayError('not_found'));
  });

  it('refuses to invite an email that is already a member with a console login', async () => {
    const bob = await addOperator(s, 'bob@example.test');
    await addMember(s, orgId, 'bob@example.test', 'member', bob.id);
    await assert.rejects(invitations.invite(orgId, inviter, { email: 'bob@example.test', role: 'admin' }), gatewayError('conflict', 'email'));
  });

  it('a new email sets its own password on acceptance: login, member record and role, and the link is used up', async () => {
    // The admin had already recorded the member (no login yet): acceptance links that record.
    const recorded = await addMember(s, orgId, 'cat@example.test', 'member');
    const { token } = await invitations.invite(orgId, inviter, { email: 'cat@example.test', role: 'manager' });
    await assert.rejects(invitations.accept({ token, password: 'short' }), gatewayError('invalid_request', 'password'));
    s.invalidated.length = 0;
    const r = await invitations.accept({ token, password: 'cat password', name: 'Cat' });
    assert.equal(r.operator.email, 'cat@example.test');
    assert.deepEqual([r.organisation.id, r.role], [orgId, 'manager']);
    const member = await s.repos.users.find(orgId, recorded);
    assert.deepEqual([member?.operator_id, member?.role], [r.operator.id, 'manager']);
    const op = await s.repos.operators.findByEmail('cat@example.test');
    assert.ok(op && (await verifyPassword('cat password', op.password_hash)));
    assert.deepEqual(s.invalidated, [orgId]);
    await assert.rejects(invitations.accept({ token, password: 'cat password' }), gatewayError('not_found'));
  });

  it("an email that already has a login joins only with that login's password (or logged in as it), which stays unchanged", async () => {
    const dan = await addOperator(s, 'dan@example.test', { password: 'dan password' });
    const { token } = await invitations.invite(orgId, inviter, { email: 'dan@example.test', role: 'member' });
    await assert.rejects(invitations.accept({ token }), gatewayError('unauthorized', 'password'));
    await assert.rejects(invitations.accept({ token, password: 'attacker chosen' }), gatewayError('unauthorized'));
    const r = await invitations.accept({ token, current: dan });
    assert.equal(r.operator.id, dan.id);
    const op = await s.repos.operators.findByEmail('dan@example.test');
    assert.ok(op && (await verifyPassword('dan password', op.password_hash)));
    assert.equal((await s.repos.users.findWithLoginEmail(orgId, 'dan@example.test')) !== undefined, true);
  });

  it('revokes a live invitation of its own organisation only', async () => {
    const other = await addOrg(s, 'Other');
    const { invitation, token } = await invitations.invite(orgId, inviter, { email: 'eve@example.test', role: 'member' });
    await assert.rejects(invitations.revoke(other, invitation.id), gatewayError('not_found'));
    await invitations.revoke(orgId, invitation.id);
    await assert.rejects(invitations.accept({ token, password: 'eve password' }), gatewayError('not_found'));
  });
});
