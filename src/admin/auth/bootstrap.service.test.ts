import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { verifyPassword } from '../../crypto/passwords.ts';
import { openIdentityStore, type IdentityStore } from '../testing/identity-store.ts';
import { bootstrapFirstOperator } from './bootstrap.service.ts';

describe('bootstrap', () => {
  let s: IdentityStore;
  before(async () => {
    s = await openIdentityStore();
  });
  after(() => s.close());

  it('on an empty store creates one super-admin, administering an organisation named Default; then never again', async () => {
    const deps = { operators: s.repos.operators, transaction: s.transaction };
    // Two instances starting together with the same configuration: one creates, the other finds it done.
    const [a, b] = await Promise.all([bootstrapFirstOperator(deps, { email: 'Root@Example.test' }), bootstrapFirstOperator(deps, { email: 'root@example.test' })]);
    const created = [a, b].filter((r) => r.created);
    assert.equal(created.length, 1);
    assert.equal(created[0].email, 'root@example.test');
    const op = await s.repos.operators.findByEmail('root@example.test');
    assert.ok(op && op.super_admin && created[0].generatedPassword && (await verifyPassword(created[0].generatedPassword, op.password_hash)));
    assert.deepEqual(await s.repos.users.organisationsOfOperator(op.id), [{ id: (await s.repos.organisations.listAll())[0].id, name: 'Default', role: 'admin' }]);
    assert.equal((await s.repos.organisations.listAll()).length, 1);
    assert.deepEqual(await bootstrapFirstOperator(deps, { email: 'late@example.test', password: 'late password' }), { created: false });
  });
});
