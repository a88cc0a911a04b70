import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../helpers/services.ts';
import type { ApiResult } from '../helpers/admin-client.ts';
import { adminFixture, createOrg, wallTime } from './fixtures.ts';

function assert400(r: ApiResult, field: string) {
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'invalid_request');
  assert.equal(r.body.error.field, field, JSON.stringify(r.body));
  assert.ok(r.body.error.message.includes(field), `the message names ${field}: ${r.body.error.message}`);
}

// Creating virtual keys: owner rules (seed 001) and expiry read in the key's timezone.
for (const dialect of DIALECTS) {
  test(`API key creation (${dialect})`, async (t) => {
    const fx = await adminFixture(t, dialect);
    if (!fx) return;
    const { admin, org } = fx;
    const keys = `${org.base}/api-keys`;
    const count = async () => (await admin.ok('GET', `${keys}?limit=500`)).items.length;

    const team = await admin.ok('POST', `${org.base}/teams`, { name: 'Platform' });
    const user = await admin.ok('POST', `${org.base}/users`, { email: 'dev@example.test', name: 'Dev', role: 'member' });
    const other = await createOrg(admin, 'Other Org');
    const otherTeam = await admin.ok('POST', `${other.base}/teams`, { name: 'Elsewhere' });
    const otherUser = await admin.ok('POST', `${other.base}/users`, { email: 'far@example.test', name: 'Far', role: 'member' });

    await t.test('owner rules: a violation is a 400 naming the field, and nothing is created', async () => {
      const before = await count();
      assert400(await admin.post(keys, { type: 'ORGANISATION', teamId: team.id }), 'teamId');
      assert400(await admin.post(keys, { type: 'ORGANISATION', userId: user.id }), 'userId');
      assert400(await admin.post(keys, { type: 'TEAM' }), 'teamId');
      assert400(await admin.post(keys, { type: 'TEAM', teamId: null }), 'teamId');
      assert400(await admin.post(keys, { type: 'TEAM', teamId: team.id, userId: user.id }), 'userId');
      assert400(await admin.post(keys, { type: 'USER' }), 'userId');
      assert400(await admin.post(keys, { type: 'USER', userId: user.id, teamId: team.id }), 'teamId');
      // The owner must belong to the same organisation.
      assert400(await admin.post(keys, { type: 'TEAM', teamId: otherTeam.id }), 'teamId');
      assert400(await admin.post(keys, { type: 'USER', userId: otherUser.id }), 'userId');
      assert400(await admin.post(keys, { type: 'TEAM', teamId: 'no-such-team' }), 'teamId');
      assert400(await admin.post(keys, { type: 'PROJECT' }), 'type');
      assert400(await admin.post(keys, {}), 'type');
      assert.equal(await count(), before);
    });

    await t.test('each type with its owner is created and answered masked', async () => {
      const o = await admin.post(keys, { type: 'ORGANISATION', name: 'svc' });
      assert.equal(o.status, 201);
      assert.deepEqual([o.body.teamId, o.body.userId, o.body.timezone, o.body.expiry], [null, null, 'UTC', null]);
      const tk = await admin.post(keys, { type: 'TEAM', teamId: team.id });
      assert.equal(tk.status, 201);
      assert.equal(tk.body.teamId, team.id);
      assert.equal(tk.body.userId, null);
      const uk = await admin.post(keys, { type: 'USER', userId: user.id, name: 'laptop' });
      assert.equal(uk.status, 201);
      assert.equal(uk.body.userId, user.id);
      assert.equal(uk.body.teamId, null);
      for (const k of [o.body, tk.body, uk.body]) {
        assert.match(k.maskedKey, /^odk_•+[0-9A-Za-z]{4}$/);
        assert.equal(k.key, undefined);
        assert.equal(k.keyHash, undefined);
        assert.equal(k.revealed, false);
      }
      const listed = await admin.ok('GET', `${keys}?type=TEAM`);
      assert.deepEqual(listed.items.map((k: { id: string }) => k.id), [tk.body.id]);
    });

    await t.test('expiry is read in the timezone: local times, DST and explicit offsets', async () => {
      const winter = await admin.ok('POST', keys, { type: 'ORGANISATION', expiry: '2031-01-15T09:00', timezone: 'America/New_York' });
      assert.equal(winter.expiry, '2031-01-15T14:00:00.000Z');
      assert.equal(winter.expiryLocal, '2031-01-15T09:00:00');
      assert.equal(winter.timezone, 'America/New_York');
      const summer = await admin.ok('POST', keys, { type: 'ORGANISATION', expiry: '2031-07-15T09:00', timezone: 'America/New_York' });
      assert.equal(summer.expiry, '2031-07-15T13:00:00.000Z');
      // 02:30 does not exist on spring-forward day: it is read as 03:30 EDT.
      const gap = await admin.ok('POST', keys, { type: 'ORGANISATION', expiry: '2031-03-09T02:30', timezone: 'America/New_York' });
      assert.equal(gap.expiry, '2031-03-09T07:30:00.000Z');
      const offset = await admin.ok('POST', keys, { type: 'ORGANISATION', expiry: '2031-07-15T09:00+02:00', timezone: 'Asia/Tokyo' });
      assert.equal(offset.expiry, '2031-07-15T07:00:00.000Z');
      const zulu = await admin.ok('POST', keys, { type: 'ORGANISATION', expiry: '2031-07-15T09:00:00Z' });
      assert.equal(zulu.expiry, '2031-07-15T09:00:00.000Z');
      assert.equal(zulu.timezone, 'UTC');
    });

    await t.test('a past expiry is rejected, judged in the key\'s timezone', async () => {
      const before = await count();
      assert400(await admin.post(keys, { type: 'ORGANISATION', expiry: '2020-01-01T00:00', timezone: 'UTC' }), 'expiry');
      // A minute ago on Kiritimati (UTC+14) would still be 14 hours ahead if read as UTC.
      assert400(await admin.post(keys, { type: 'ORGANISATION', expiry: wallTime(Date.now() - 60_000, 'Pacific/Kiritimati'), timezone: 'Pacific/Kiritimati' }), 'expiry');
      assert400(await admin.post(keys, { type: 'ORGANISATION', expiry: wallTime(Date.now() - 1000, 'Europe/Paris'), timezone: 'Europe/Paris' }), 'expiry');
      assert.equal(await count(), before);
      // An hour ahead in Pago Pago (UTC−11) is accepted, though as UTC it would lie in the past.
      const ahead = await admin.post(keys, { type: 'ORGANISATION', expiry: wallTime(Date.now() + 3600_000, 'Pacific/Pago_Pago'), timezone: 'Pacific/Pago_Pago' });
      assert.equal(ahead.status, 201, JSON.stringify(ahead.body));
      const delta = Date.parse(ahead.body.expiry) - Date.now();
      assert.ok(delta > 3500_000 && delta < 3700_000, `expiry about an hour from now, got ${delta} ms`);
    });

    await t.test('an invalid timezone or malformed expiry is a 400 naming it', async () => {
      const before = await count();
      assert400(await admin.post(keys, { type: 'ORGANISATION', timezone: 'Mars/Olympus' }), 'timezone');
      assert400(await admin.post(keys, { type: 'ORGANISATION', expiry: '2031-07-15T09:00', timezone: 'Europe/Pariss' }), 'timezone');
      assert400(await admin.post(keys, { type: 'ORGANISATION', expiry: 'next tuesday' }), 'expiry');
      assert400(await admin.post(keys, { type: 'ORGANISATION', expiry: '2031-02-30T09:00' }), 'expiry');
      assert400(await admin.post(keys, { type: 'ORGANISATION', expiry: 20310715 }), 'expiry');
      assert.equal(await count(), before);
    });

    await t.test('PATCH changes name, policies and expiry; a past expiry is refused there too', async () => {
      const k = await admin.ok('POST', keys, { type: 'ORGANISATION', name: 'before' });
      const patched = await admin.ok('PATCH', `${keys}/${k.id}`, { name: 'after', expiry: '2032-01-01T00:00', timezone: 'Europe/Paris', policies: { ratelimit: { requests: { per_minute: 10 } } } });
      assert.equal(patched.name, 'after');
      assert.equal(patched.expiry, '2031-12-31T23:00:00.000Z');
      assert.deepEqual(patched.policies, { ratelimit: { requests: { per_minute: 10 } } });
      assert400(await admin.patch(`${keys}/${k.id}`, { expiry: '2020-01-01T00:00' }), 'expiry');
      assert.equal((await admin.ok('GET', `${keys}/${k.id}`)).expiry, '2031-12-31T23:00:00.000Z');
    });
  });
}
