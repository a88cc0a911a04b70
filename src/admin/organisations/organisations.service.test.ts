import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addMember, addOperator, gatewayError, openIdentityStore, type IdentityStore } from '../testing/identity-store.ts';
import { createOrganisationService } from './organisations.service.ts';

describe('organisation service', () => {
  let s: IdentityStore;
  let orgs: ReturnType<typeof createOrganisationService>;
  before(async () => {
    s = await openIdentityStore();
    orgs = createOrganisationService({ organisations: s.repos.organisations, invalidateOrg: s.invalidateOrg });
  });
  after(() => s.close());

  it('lists every organisation to a super-admin, and to others only those they are a member of', async () => {
    const a = await orgs.create({ name: 'Alpha' });
    const b = await orgs.create({ name: 'Beta' });
    const root = await addOperator(s, 'root@example.test', { superAdmin: true });
    const ann = await addOperator(s, 'ann@example.test');
    await addMember(s, b.id, 'ann@example.test', 'member', ann.id);
    // A member record with the same email but no login link grants nothing.
    await addMember(s, a.id, 'ann@example.test', 'admin');
    const all = (await orgs.list(root, { limit: 50 })).map((o) => o.id);
    assert.ok(all.includes(a.id) && all.includes(b.id));
    assert.deepEqual((await orgs.list(ann, { limit: 50 })).map((o) => o.id), [b.id]);
  });

  it('updates name and policies, and drops the organisation from the caches', async () => {
    const org = await orgs.create({ name: 'Gamma' });
    const policies = { ratelimit: { requests: { per_minute: 10 } } };
    const updated = await orgs.update(org.id, { name: 'Gamma 2', policies });
    assert.equal(updated.name, 'Gamma 2');
    assert.deepEqual(JSON.parse(updated.policies), policies);
    assert.deepEqual(JSON.parse((await orgs.get(org.id)).policies), policies);
    assert.equal(s.invalidated.at(-1), org.id);
  });

  it('answers not_found for an organisation that does not exist', async () => {
    await assert.rejects(orgs.get('no-such-org'), gatewayError('not_found'));
  });
});
