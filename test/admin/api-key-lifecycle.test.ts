import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../helpers/services.ts';
import { adminFixture, createOrg, gatewayModels } from './fixtures.ts';

// Reveal once, rotate in place, revoke/unrevoke, delete, and batch model grants (seeds 000 and 001).
for (const dialect of DIALECTS) {
  test(`API key lifecycle (${dialect})`, async (t) => {
    const fx = await adminFixture(t, dialect);
    if (!fx) return;
    const { admin, org, odock } = fx;
    const keys = `${org.base}/api-keys`;
    const newKey = (body: object = {}) => admin.ok('POST', keys, { type: 'ORGANISATION', ...body });
    const reveal = (id: string) => admin.post(`${keys}/${id}/reveal`);
    const m = org.models;

    await t.test('reveal returns the key once; afterwards only the masked value, with 409', async () => {
      const k = await newKey();
      const first = await reveal(k.id);
      assert.equal(first.status, 200);
      assert.ok(first.body.key.endsWith(k.maskedKey.slice(-4)));
      for (let i = 0; i < 2; i++) {
        const again = await reveal(k.id);
        assert.equal(again.status, 409);
        assert.equal(again.body.error.code, 'api_key_already_revealed');
        assert.equal(again.body.error.maskedKey, k.maskedKey);
        assert.ok(!JSON.stringify(again.body).includes(first.body.key));
      }
      assert.equal((await admin.ok('GET', `${keys}/${k.id}`)).revealed, true);
    });

    await t.test('reveal works as the README calls it: a POST with an empty JSON object', async () => {
      const k = await newKey();
      const cookie = (await (await fetch(`${odock.url}/api/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.test', password: 'correct-horse-battery' }),
      })).headers.get('set-cookie') ?? '').split(';')[0];
      // With the session cookie, a body-less POST must say it is JSON (CSRF: a foreign form cannot).
      const json = { cookie, 'content-type': 'application/json' };
      const res = await fetch(`${odock.url}${keys}/${k.id}/reveal`, { method: 'POST', headers: json, body: '{}' });
      assert.equal(res.status, 200);
      assert.match(((await res.json()) as { key: string }).key, /^odk_/);
      const rot = await fetch(`${odock.url}${keys}/${k.id}/rotate`, { method: 'POST', headers: json, body: '{}' });
      assert.equal(rot.status, 200);
    });

    await t.test('concurrent reveals: exactly one gets the key', async () => {
      const k = await newKey();
      const answers = await Promise.all(Array.from({ length: 12 }, () => reveal(k.id)));
      const winners = answers.filter((a) => a.status === 200);
      assert.equal(winners.length, 1, answers.map((a) => a.status).join(','));
      assert.ok(answers.every((a) => a.status === 200 || (a.status === 409 && a.body.error.code === 'api_key_already_revealed' && a.body.error.key === undefined)));
    });

    await t.test('batch grants are all or nothing and stay inside the organisation', async () => {
      const other = await createOrg(admin, `Grant Org ${dialect}`);
      const k = await newKey();
      const access = async () => (await admin.ok('GET', `${keys}/${k.id}/model-access`)).items.map((x: { name: string }) => x.name).sort();
      for (const modelIds of [[m['gpt-4.1'], 'no-such-model'], [m['gpt-4.1'], other.models['gpt-4.1']], []]) {
        const r = await admin.post(`${keys}/${k.id}/model-access`, { modelIds });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(r.body.error.field, 'modelIds');
      }
      assert.deepEqual(await access(), []);
      // From the model's side: a key of another organisation cannot be granted either.
      const otherKey = await admin.ok('POST', `${other.base}/api-keys`, { type: 'ORGANISATION' });
      const cross = await admin.post(`${org.base}/models/${m['gpt-4.1-nano']}/api-keys`, { apiKeyIds: [k.id, otherKey.id] });
      assert.equal(cross.status, 400);
      assert.deepEqual(await access(), []);
      assert.deepEqual((await admin.ok('GET', `${other.base}/api-keys/${otherKey.id}/model-access`)).items, []);
      // Valid batches, repeated ids and re-grants are fine.
      assert.equal((await admin.post(`${keys}/${k.id}/model-access`, { modelIds: [m['gpt-4.1'], m['gpt-4.1'], m['gpt-4.1-mini']] })).status, 201);
      assert.equal((await admin.post(`${org.base}/models/${m['gpt-4.1-nano']}/api-keys`, { apiKeyIds: [k.id] })).status, 201);
      assert.equal((await admin.post(`${keys}/${k.id}/model-access`, { modelIds: [m['gpt-4.1']] })).status, 201);
      assert.deepEqual(await access(), ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano']);
      // Removing one grant is seen by the gateway at once.
      const secret = (await reveal(k.id)).body.key;
      assert.deepEqual((await gatewayModels(odock.url, secret)).ids, ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano']);
      assert.equal((await admin.del(`${keys}/${k.id}/model-access/${m['gpt-4.1-mini']}`)).status, 204);
      assert.equal((await admin.del(`${org.base}/models/${m['gpt-4.1-nano']}/api-keys/${k.id}`)).status, 204);
      assert.deepEqual((await gatewayModels(odock.url, secret)).ids, ['gpt-4.1']);
      assert.equal((await admin.del(`${keys}/${k.id}/model-access/${m['gpt-4.1-mini']}`)).status, 404);
    });

    await t.test('rotate: same id and grants, new unrevealed secret, history with masked old key and who rotated', async () => {
      const k = await newKey({ name: 'rotating', expiry: '2031-01-01T00:00', timezone: 'Europe/Paris', policies: { ip: { allowlist: ['0.0.0.0/0', '::/0'] } } });
      await admin.ok('POST', `${keys}/${k.id}/model-access`, { modelIds: [m['gpt-4.1'], m['gpt-4.1-mini']] });
      const oldSecret = (await reveal(k.id)).body.key;
      assert.equal((await gatewayModels(odock.url, oldSecret)).status, 200, 'warm the auth cache with the old secret');

      const rotated = await admin.ok('POST', `${keys}/${k.id}/rotate`, { expiry: '2032-06-01T12:00', timezone: 'Europe/Paris' });
      assert.equal(rotated.id, k.id);
      assert.equal(rotated.revealed, false);
      assert.equal(rotated.revoked, false);
      assert.equal(rotated.name, 'rotating');
      assert.deepEqual(rotated.policies, { ip: { allowlist: ['0.0.0.0/0', '::/0'] } });
      assert.equal(rotated.expiry, '2032-06-01T10:00:00.000Z');
      const newSecret = (await reveal(k.id)).body.key;
      assert.notEqual(newSecret, oldSecret);
      assert.equal(rotated.maskedKey.slice(-4), newSecret.slice(-4));

      const old = await gatewayModels(odock.url, oldSecret);
      assert.equal(old.status, 401, 'the old secret is refused at once');
      assert.deepEqual((await gatewayModels(odock.url, newSecret)).ids, ['gpt-4.1', 'gpt-4.1-mini'], 'grants kept');

      const history = await admin.ok('GET', `${keys}/${k.id}/rotations`);
      assert.equal(history.items.length, 1);
      const h = history.items[0];
      assert.equal(h.maskedOldKey, k.maskedKey);
      assert.ok(!JSON.stringify(history).includes(oldSecret));
      assert.equal(h.rotatedBy, 'admin@example.test');
      assert.equal(h.oldExpiry, '2030-12-31T23:00:00.000Z');
      assert.equal(h.newExpiry, '2032-06-01T10:00:00.000Z');
      assert.ok(Date.now() - Date.parse(h.rotatedAt) < 60_000);

      // A past expiry on rotate is refused and changes nothing.
      const past = await admin.post(`${keys}/${k.id}/rotate`, { expiry: '2020-01-01T00:00' });
      assert.equal(past.status, 400);
      assert.equal(past.body.error.field, 'expiry');
      assert.equal((await admin.ok('GET', `${keys}/${k.id}`)).maskedKey, rotated.maskedKey);
      assert.equal((await admin.ok('GET', `${keys}/${k.id}/rotations`)).items.length, 1);
      assert.equal((await gatewayModels(odock.url, newSecret)).status, 200);
      const badTz = await admin.post(`${keys}/${k.id}/rotate`, { timezone: 'Nowhere/Land' });
      assert.equal(badTz.body.error?.field, 'timezone');
    });

    await t.test('revoke disables without changing the secret; unrevoke re-enables; a revoked key cannot be rotated', async () => {
      const k = await newKey();
      await admin.ok('POST', `${keys}/${k.id}/model-access`, { modelIds: [m['gpt-4.1']] });
      const secret = (await reveal(k.id)).body.key;
      assert.equal((await gatewayModels(odock.url, secret)).status, 200);
      const revoked = await admin.ok('POST', `${keys}/${k.id}/revoke`);
      assert.equal(revoked.revoked, true);
      assert.equal(revoked.maskedKey, k.maskedKey);
      const refused = await gatewayModels(odock.url, secret);
      assert.deepEqual([refused.status, refused.code], [401, 'api_key_revoked']);
      const rot = await admin.post(`${keys}/${k.id}/rotate`, {});
      assert.equal(rot.status, 409);
      assert.equal((await admin.ok('GET', `${keys}/${k.id}/rotations`)).items.length, 0);
      assert.deepEqual((await admin.ok('GET', `${keys}?revoked=true`)).items.map((x: { id: string }) => x.id), [k.id]);
      assert.equal((await admin.ok('POST', `${keys}/${k.id}/unrevoke`)).revoked, false);
      assert.deepEqual((await gatewayModels(odock.url, secret)).ids, ['gpt-4.1']);
    });

    await t.test('an expired key can be rotated, and the new secret works', async () => {
      const k = await newKey({ expiry: '2031-01-01T00:00' });
      await admin.ok('POST', `${keys}/${k.id}/model-access`, { modelIds: [m['gpt-4.1-nano']] });
      const secret = (await reveal(k.id)).body.key;
      // Let time pass: the expiry is now an hour ago.
      const hourAgo = new Date(Date.now() - 3600_000).toISOString();
      await odock.deps.store.db.updateTable('api_keys').set({ expiry: hourAgo, expiry_local: hourAgo.slice(0, 19) }).where('id', '=', k.id).execute();
      const expired = await gatewayModels(odock.url, secret);
      assert.deepEqual([expired.status, expired.code], [401, 'api_key_expired']);
      const rotated = await admin.ok('POST', `${keys}/${k.id}/rotate`, { expiry: '2033-01-01T00:00' });
      assert.equal(rotated.expiry, '2033-01-01T00:00:00.000Z');
      const fresh = (await reveal(k.id)).body.key;
      assert.deepEqual((await gatewayModels(odock.url, fresh)).ids, ['gpt-4.1-nano']);
      assert.equal((await admin.ok('GET', `${keys}/${k.id}/rotations`)).items[0].oldExpiry, hourAgo);
    });

    await t.test('delete removes the key and its secret stops working', async () => {
      const k = await newKey();
      await admin.ok('POST', `${keys}/${k.id}/model-access`, { modelIds: [m['gpt-4.1']] });
      const secret = (await reveal(k.id)).body.key;
      assert.equal((await gatewayModels(odock.url, secret)).status, 200);
      assert.equal((await admin.del(`${keys}/${k.id}`)).status, 204);
      assert.equal((await admin.get(`${keys}/${k.id}`)).status, 404);
      assert.equal((await gatewayModels(odock.url, secret)).status, 401);
      assert.deepEqual((await admin.ok('GET', `${org.base}/models/${m['gpt-4.1']}/api-keys?limit=500`)).items.filter((x: { id: string }) => x.id === k.id), []);
    });
  });
}
