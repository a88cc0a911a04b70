import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addMember, addOrg, gatewayError, openIdentityStore, type IdentityStore } from '../testing/identity-store.ts';
import { createTeamService } from './teams.service.ts';

describe('team service', () => {
  let s: IdentityStore;
  let teams: ReturnType<typeof createTeamService>;
  let orgId: string;
  let otherOrgId: string;
  before(async () => {
    s = await openIdentityStore();
    teams = createTeamService({ teams: s.repos.teams, users: s.repos.users, invalidateOrg: s.invalidateOrg });
    orgId = await addOrg(s, 'Acme');
    otherOrgId = await addOrg(s, 'Other');
  });
  after(() => s.close());

  it('refuses a second team of the same name in an organisation (409 on name), on create and on rename', async () => {
    await teams.create(orgId, { name: 'Platform' });
    await assert.rejects(teams.create(orgId, { name: 'Platform' }), gatewayError('conflict', 'name'));
    // Another organisation may use the name.
    await teams.create(otherOrgId, { name: 'Platform' });
    const data = await teams.create(orgId, { name: 'Data' });
    await assert.rejects(teams.update(orgId, data.id, { name: 'Platform' }), gatewayError('conflict', 'name'));
  });

  it('finds a team only in its own organisation', async () => {
    const t = await teams.create(orgId, { name: 'Search' });
    assert.equal((await teams.get(orgId, t.id)).name, 'Search');
    await assert.rejects(teams.get(otherOrgId, t.id), gatewayError('not_found'));
    await assert.rejects(teams.update(otherOrgId, t.id, { name: 'Stolen' }), gatewayError('not_found'));
    await assert.rejects(teams.delete(otherOrgId, t.id), gatewayError('not_found'));
  });

  it('adds members of the same organisation only, once each, and removes them', async () => {
    const t = await teams.create(orgId, { name: 'Members' });
    const bob = await addMember(s, orgId, 'bob@example.test', 'member');
    const outsider = await addMember(s, otherOrgId, 'eve@example.test', 'admin');
    await assert.rejects(teams.addMember(orgId, t.id, outsider), gatewayError('invalid_request', 'userId'));
    assert.equal((await teams.addMember(orgId, t.id, bob)).id, bob);
    await assert.rejects(teams.addMember(orgId, t.id, bob), gatewayError('conflict', 'userId'));
    assert.deepEqual((await teams.listMembers(orgId, t.id, { limit: 50 })).map((u) => u.id), [bob]);
    await teams.removeMember(orgId, t.id, bob);
    assert.deepEqual(await teams.listMembers(orgId, t.id, { limit: 50 }), []);
    await assert.rejects(teams.removeMember(orgId, t.id, bob), gatewayError('not_found'));
  });

  it('changes to policies and deletion drop the organisation from the caches', async () => {
    const t = await teams.create(orgId, { name: 'Cached' });
    s.invalidated.length = 0;
    await teams.update(orgId, t.id, { policies: { ratelimit: { requests: { per_minute: 5 } } } });
    await teams.delete(orgId, t.id);
    assert.deepEqual(s.invalidated, [orgId, orgId]);
    await assert.rejects(teams.get(orgId, t.id), gatewayError('not_found'));
  });
});
