import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addMember, addOperator, addOrg, openIdentityStore, type IdentityStore } from '../testing/identity-store.ts';
import { externalIdentityRepo, ssoFlowRepo } from '../../store/repos/external-identity.repo.ts';
import { operatorRepo } from '../../store/repos/operator.repo.ts';
import { userRepo } from '../../store/repos/user.repo.ts';
import { teamRepo } from '../../store/repos/team.repo.ts';
import { verifyPassword } from '../../crypto/passwords.ts';
import { createSsoIdentityService, mapGroups, type ExternalProfile } from './sso-identity.service.ts';

const profile = (over: Partial<ExternalProfile>): ExternalProfile => ({ provider: 'oidc', issuer: 'https://id.example', subject: 's', emailVerified: true, groups: [], ...over });

it('group mapping: the highest mapped role wins, teams add up, unknown groups give nothing', () => {
  const m = { a: { role: 'member' as const, teams: ['T1'] }, b: { role: 'admin' as const }, c: { teams: ['T1', 'T2'] } };
  assert.deepEqual(mapGroups(['a', 'b', 'c', 'zzz'], m), { role: 'admin', teams: ['T1', 'T2'] });
  assert.deepEqual(mapGroups(['zzz'], m), { role: undefined, teams: [] });
});

describe('company sign-in: which login, which membership', () => {
  let s: IdentityStore;
  let orgId: string;
  let service: ReturnType<typeof createSsoIdentityService>;
  before(async () => {
    s = await openIdentityStore();
    orgId = await addOrg(s, 'Acme');
    const db = s.store.db;
    service = createSsoIdentityService({
      transaction: (work) => db.transaction().execute((tx) => work({ identities: externalIdentityRepo(tx), operators: operatorRepo(tx), users: userRepo(tx), teams: teamRepo(tx) })),
      organisation: 'Acme', defaultRole: 'member', groupMapping: { leads: { role: 'manager' } },
    });
  });
  after(async () => s?.close());

  it('a new person gets a login with no usable password and joins with the default role; the same identity comes back to it', async () => {
    const first = await service.signIn(profile({ subject: 'new-1', email: ' New@Acme.Example ' }));
    assert.equal(first.created, true);
    const op = await s.repos.operators.findByEmail('new@acme.example');
    assert.equal(op?.id, first.operatorId, 'the email is stored in its normal form');
    assert.equal(await verifyPassword('', op!.password_hash), false);
    assert.equal(await s.repos.users.roleOfOperator(orgId, first.operatorId), 'member');
    const again = await service.signIn(profile({ subject: 'new-1', email: 'changed@elsewhere.example' }));
    assert.deepEqual(again, { operatorId: first.operatorId, created: false });
  });

  it('a mapped role is applied at each sign-in; without one the role an admin gave is kept', async () => {
    const { operatorId } = await service.signIn(profile({ subject: 'lead-1', email: 'lead@acme.example', groups: ['leads'] }));
    assert.equal(await s.repos.users.roleOfOperator(orgId, operatorId), 'manager');
    const other = await service.signIn(profile({ subject: 'plain-1', email: 'plain@acme.example' }));
    const member = await externalIdentityRepo(s.store.db).findMemberOfOperator(orgId, other.operatorId);
    await s.repos.users.update(orgId, member!.id, { role: 'admin' });
    await service.signIn(profile({ subject: 'plain-1', email: 'plain@acme.example' }));
    assert.equal(await s.repos.users.roleOfOperator(orgId, other.operatorId), 'admin');
  });

  it('an existing login of this organisation only is linked on a verified email, and a member record without login is taken over only so', async () => {
    const pat = await addOperator(s, 'pat@acme.example', { password: 'pat-password-1' });
    await addMember(s, orgId, 'pat@acme.example', 'member', pat.id);
    await assert.rejects(service.signIn(profile({ subject: 'pat-x', email: 'pat@acme.example', emailVerified: false })), { code: 'sso_account_conflict' });
    assert.equal((await service.signIn(profile({ subject: 'pat-1', email: 'pat@acme.example' }))).operatorId, pat.id);

    await addMember(s, orgId, 'rec@acme.example', 'manager');
    await assert.rejects(service.signIn(profile({ subject: 'rec-x', email: 'rec@acme.example', emailVerified: false })), { code: 'sso_account_conflict' });
    const rec = await service.signIn(profile({ subject: 'rec-1', email: 'rec@acme.example' }));
    assert.equal(await s.repos.users.roleOfOperator(orgId, rec.operatorId), 'manager', 'the member record is now this login');
  });
});

describe('sign-ins in progress', () => {
  it('are consumed once, and no more than the cap are stored (expired ones do not count)', async () => {
    const s = await openIdentityStore();
    try {
      const flows = ssoFlowRepo(s.store.db);
      const at = (min: number) => new Date(Date.now() + min * 60_000).toISOString();
      const row = (id: string, expires: string) => ({ state_hash: id, provider: 'oidc', nonce: 'n', code_verifier: 'v', link_operator_id: null, expires_at: expires, created_at: at(0) });
      assert.equal(await flows.insert(row('old', at(-1)), 2), true);
      assert.equal(await flows.insert(row('a', at(10)), 2), true);
      assert.equal(await flows.insert(row('b', at(10)), 2), true, 'the expired one was cleared first');
      assert.equal(await flows.insert(row('c', at(10)), 2), false);
      assert.equal((await flows.consume('a'))?.nonce, 'n');
      assert.equal(await flows.consume('a'), undefined);
      assert.equal(await flows.insert(row('c', at(10)), 2), true);
    } finally {
      await s.close();
    }
  });
});
