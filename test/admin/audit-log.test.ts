import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { adminFixture, createOrg } from './fixtures.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { joinByInvitation } from '../helpers/invite.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/odock.ts';
import type { DialectName } from '../helpers/services.ts';

const DIALECTS: DialectName[] = ['sqlite', 'postgres'];
const CLIENT_IP = '203.0.113.7';

interface Entry {
  id: string; at: string; organisationId: string | null; action: string; targetType: string | null; targetId: string | null; ip: string | null;
  actor: { type: string; id: string | null; label: string | null; operator: { id: string; email: string } | null };
  changes: { before?: any; after?: any; reason?: string };
}

for (const dialect of DIALECTS) {
  describe(`audit log (${dialect})`, () => {
    it('records every admin change once, who/where/what, with secrets masked, and never changes', async (t) => {
      // The client's IP through a trusted proxy, as every other IP-aware feature reads it.
      const fx = await adminFixture(t, dialect, { env: { TRUSTED_PROXY_CIDRS: '127.0.0.1/32' } });
      if (!fx) return;
      const { admin, org, odock } = fx;
      admin.headers = { 'x-forwarded-for': `198.51.100.1, ${CLIENT_IP}` };
      const log = async (query = ''): Promise<Entry[]> => (await admin.ok('GET', `${org.base}/audit-log?limit=500${query}`)).items;
      const me = (await admin.ok('GET', '/api/auth/me')).operator;
      const plaintexts: string[] = [];

      /** Runs one admin call and returns the one entry it wrote. */
      const one = async <T>(call: () => Promise<T>): Promise<{ result: T; entry: Entry }> => {
        const before = (await log()).length;
        const result = await call();
        const after = await log();
        assert.equal(after.length, before + 1, 'exactly one entry per call');
        return { result, entry: after[0] };
      };
      const expectEntry = (e: Entry, action: string, targetType: string, targetId: string) => {
        assert.equal(e.action, action);
        assert.equal(e.targetType, targetType);
        assert.equal(e.targetId, targetId);
        assert.equal(e.ip, CLIENT_IP);
        assert.equal(e.organisationId, org.orgId);
        assert.deepEqual({ type: e.actor.type, id: e.actor.id, label: e.actor.label }, { type: 'operator', id: me.id, label: ADMIN_EMAIL });
      };

      const team = await one(() => admin.ok('POST', `${org.base}/teams`, { name: 'Platform' }));
      expectEntry(team.entry, 'team.create', 'team', team.result.id);
      assert.equal(team.entry.changes.after.name, 'Platform');

      const renamed = await one(() => admin.ok('PATCH', `${org.base}/teams/${team.result.id}`, { name: 'Platform Ops' }));
      expectEntry(renamed.entry, 'team.update', 'team', team.result.id);
      assert.equal(renamed.entry.changes.before.name, 'Platform');
      assert.equal(renamed.entry.changes.after.name, 'Platform Ops');

      const key = await one(() => admin.ok('POST', `${org.base}/api-keys`, { type: 'ORGANISATION', name: 'ci' }));
      expectEntry(key.entry, 'api_key.create', 'api_key', key.result.id);
      const revealed = await one(() => admin.ok('POST', `${org.base}/api-keys/${key.result.id}/reveal`));
      expectEntry(revealed.entry, 'api_key.reveal', 'api_key', key.result.id);
      plaintexts.push(revealed.result.key);

      const revoked = await one(() => admin.ok('POST', `${org.base}/api-keys/${key.result.id}/revoke`));
      expectEntry(revoked.entry, 'api_key.revoke', 'api_key', key.result.id);
      assert.equal(revoked.entry.changes.before.revoked, false);
      assert.equal(revoked.entry.changes.after.revoked, true);

      const grant = await one(() => admin.ok('POST', `${org.base}/api-keys/${key.result.id}/model-access`, { modelIds: [org.models['gpt-4.1']] }));
      expectEntry(grant.entry, 'api_key.model_access.create', 'api_key', key.result.id);
      const ungrant = await one(() => admin.call('DELETE', `${org.base}/api-keys/${key.result.id}/model-access/${org.models['gpt-4.1']}`));
      expectEntry(ungrant.entry, 'api_key.model_access.delete', 'api_key', key.result.id);

      const providerSecret = `sk-audit-${crypto.randomUUID()}`;
      plaintexts.push(providerSecret);
      const pkey = await one(() => admin.ok('POST', `${org.base}/providers/${org.providerId}/keys`, { name: 'Second', key: providerSecret }));
      expectEntry(pkey.entry, 'provider_key.create', 'provider_key', pkey.result.id);
      const pkeyRevoked = await one(() => admin.ok('POST', `${org.base}/providers/${org.providerId}/keys/${pkey.result.id}/revoke`));
      expectEntry(pkeyRevoked.entry, 'provider_key.revoke', 'provider_key', pkey.result.id);

      const disabled = await one(() => admin.ok('PATCH', `${org.base}/providers/${org.providerId}`, { enabled: false }));
      expectEntry(disabled.entry, 'provider.update', 'provider', org.providerId);
      assert.equal(disabled.entry.changes.before.enabled, true);
      assert.equal(disabled.entry.changes.after.enabled, false);

      const inv = await one(() => admin.ok('POST', `${org.base}/invitations`, { email: 'new@example.test', role: 'member' }));
      expectEntry(inv.entry, 'invitation.create', 'invitation', inv.result.id);
      plaintexts.push(inv.result.token);
      const resent = await one(() => admin.ok('POST', `${org.base}/invitations/${inv.result.id}/resend`));
      expectEntry(resent.entry, 'invitation.resend', 'invitation', inv.result.id);
      plaintexts.push(resent.result.token);
      const gone = await one(() => admin.call('DELETE', `${org.base}/api-keys/${key.result.id}`));
      expectEntry(gone.entry, 'api_key.delete', 'api_key', key.result.id);
      assert.equal(gone.entry.changes.after, undefined);

      // A refused change changes nothing and writes nothing.
      const count = (await log()).length;
      assert.equal((await admin.post(`${org.base}/teams`, { name: '' })).status, 400);
      assert.equal((await log()).length, count);

      // Masked: no plaintext in the stored rows, the API or the CSV export.
      const rows = await odock.deps.store.db.selectFrom('audit_log').selectAll().execute();
      const csv = await admin.call('GET', `${org.base}/audit-log/export`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
      for (const p of plaintexts) {
        for (const [where, text] of [['rows', JSON.stringify(rows)], ['api', JSON.stringify(await log())], ['csv', String(csv.body)]]) {
          assert.ok(!text.includes(p), `${where} holds a secret (${p.slice(0, 4)}…)`);
          assert.ok(!text.includes(p.slice(4)), `${where} holds a secret's body`);
        }
      }
      assert.equal(inv.entry.changes.after.token, '[masked]', 'the token shown once is masked in the log');
      assert.equal(inv.entry.changes.after.email, 'new@example.test');
      const lines = String(csv.body).trim().split('\r\n');
      assert.equal(lines[0].split(',')[0], 'at');
      assert.equal(lines.length - 1, (await log()).length);

      // Append-only: no route changes an entry, and the database refuses it.
      const newest = (await log())[0];
      assert.equal((await admin.call('DELETE', `${org.base}/audit-log/${newest.id}`)).status, 404);
      assert.equal((await admin.call('PATCH', `${org.base}/audit-log/${newest.id}`, { action: 'x' })).status, 404);
      const db = odock.deps.store.db;
      await assert.rejects(db.updateTable('audit_log').set({ action: 'forged' }).where('id', '=', newest.id).execute(), /append-only/);
      await assert.rejects(db.deleteFrom('audit_log').where('id', '=', newest.id).execute(), /append-only/);
      await assert.rejects(db.deleteFrom('audit_log').execute(), /append-only/);
      if (dialect === 'postgres') await assert.rejects(sql`truncate audit_log`.execute(db), /append-only/);
      assert.equal((await db.selectFrom('audit_log').select('action').where('id', '=', newest.id).executeTakeFirstOrThrow()).action, newest.action);
      assert.equal((await db.selectFrom('audit_log').selectAll().execute()).length, rows.length);
    });

    it('records logins, refused logins, logouts and every use of an access token', async (t) => {
      const fx = await adminFixture(t, dialect, { env: { TRUSTED_PROXY_CIDRS: '127.0.0.1/32' } });
      if (!fx) return;
      const { admin, org, odock } = fx;
      const deployment = async (query = ''): Promise<Entry[]> => (await admin.ok('GET', `/api/audit-log?scope=deployment&limit=500${query}`)).items;

      const stranger = new AdminClient(odock.url);
      stranger.headers = { 'x-forwarded-for': CLIENT_IP };
      assert.equal((await stranger.post('/api/auth/login', { email: ADMIN_EMAIL, password: 'not-the-password' })).status, 401);
      const [failed] = await deployment('&action=auth.login_failed');
      assert.equal(failed.actor.type, 'anonymous');
      assert.equal(failed.actor.label, ADMIN_EMAIL);
      assert.equal(failed.ip, CLIENT_IP);
      assert.equal(failed.changes.reason, 'unauthorized');
      assert.ok(!JSON.stringify(await deployment()).includes('not-the-password'));

      const session = await AdminClient.login(odock.url);
      const [login] = await deployment('&action=auth.login');
      assert.equal(login.actor.label, ADMIN_EMAIL);
      assert.equal(login.organisationId, null);
      await session.ok('POST', '/api/auth/logout');
      const [logout] = await deployment('&action=auth.logout');
      assert.equal(logout.actor.label, ADMIN_EMAIL);
      assert.ok(logout.at >= login.at);

      const created = await admin.ok('POST', '/api/auth/tokens', { name: 'deploy-bot' });
      const bot = new AdminClient(odock.url, created.token);
      const team = await bot.ok('POST', `${org.base}/teams`, { name: 'Bots' });
      await bot.ok('GET', `${org.base}/teams`);
      const entries: Entry[] = (await admin.ok('GET', `${org.base}/audit-log?actor=${created.id}`)).items;
      assert.deepEqual(entries.map((e) => e.action), ['operator_token.use', 'team.create']);
      for (const e of entries) {
        assert.deepEqual({ type: e.actor.type, id: e.actor.id, label: e.actor.label }, { type: 'token', id: created.id, label: 'deploy-bot' });
        assert.equal(e.actor.operator?.email, ADMIN_EMAIL);
      }
      assert.equal(entries[1].targetId, team.id);
      assert.equal(entries[0].targetId, 'GET /organisations/:orgId/teams');
      const [tokenCreated] = await deployment('&action=operator_token.create');
      assert.equal(tokenCreated.targetId, created.id);
      const all = JSON.stringify(await admin.ok('GET', '/api/audit-log?limit=500'));
      assert.ok(!all.includes(created.token) && !all.includes(created.token.slice(4)), 'the token itself is never logged');
    });

    it('is readable by the organisation\'s admins only, filtered and paged', async (t) => {
      const fx = await adminFixture(t, dialect);
      if (!fx) return;
      const { admin, org } = fx;
      const other = await createOrg(admin, 'Other Org');
      const [orgCreated] = (await admin.ok('GET', `${other.base}/audit-log?action=organisation.create`)).items;
      assert.equal(orgCreated.targetId, other.orgId, 'organisation creation is in the new organisation\'s log');
      assert.equal((await admin.ok('GET', `/api/audit-log?organisationId=${other.orgId}&action=organisation`)).items.length, 1);

      const orgAdmin = await joinByInvitation(admin, org.orgId, { email: 'boss@example.test', role: 'admin', password: 'boss-password-1' });
      const manager = await joinByInvitation(admin, org.orgId, { email: 'mgr@example.test', role: 'manager', password: 'mgr-password-1' });
      assert.equal((await orgAdmin.get(`${org.base}/audit-log`)).status, 200);
      for (const path of [`${other.base}/audit-log`, `${other.base}/audit-log/export`]) {
        const r = await orgAdmin.get(path);
        assert.equal(r.status, 404, path);
        assert.equal(r.body.error.code, 'not_found');
      }
      assert.equal((await manager.get(`${org.base}/audit-log`)).status, 403);
      assert.equal((await orgAdmin.get('/api/audit-log')).status, 403, 'the deployment-wide log is for super-admins');
      assert.equal((await orgAdmin.get(`${org.base}/audit-log?bogus=1`)).status, 400);

      for (let i = 0; i < 5; i++) await orgAdmin.ok('POST', `${org.base}/teams`, { name: `T${i}` });
      const byBoss: Entry[] = (await admin.ok('GET', `${org.base}/audit-log?actor=boss@&action=team`)).items;
      assert.equal(byBoss.length, 5);
      assert.ok(byBoss.every((e) => e.action === 'team.create' && e.actor.label === 'boss@example.test'));
      assert.equal((await admin.ok('GET', `${org.base}/audit-log?actor=boss@&targetType=api_key`)).items.length, 0);
      const seen: string[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page: { items: Entry[]; nextCursor: string | null } = await admin.ok('GET', `${org.base}/audit-log?actor=boss@&action=team&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        assert.ok(page.items.length <= 2);
        seen.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
      }
      assert.deepEqual(seen, byBoss.map((e) => e.id), 'pages are newest first, complete and without repeats');
      const middle = byBoss[2].at;
      const since: Entry[] = (await admin.ok('GET', `${org.base}/audit-log?actor=boss@&action=team&from=${encodeURIComponent(middle)}`)).items;
      assert.ok(since.length >= 3 && since.every((e) => e.at >= middle));
      const until: Entry[] = (await admin.ok('GET', `${org.base}/audit-log?actor=boss@&action=team&to=${encodeURIComponent(middle)}`)).items;
      assert.ok(until.every((e) => e.at < middle));
      assert.equal(since.length + until.length, 5);
      assert.equal((await admin.get(`${org.base}/audit-log?from=yesterday`)).status, 400);
    });
  });
}
