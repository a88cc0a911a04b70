import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { openTempStore, type TempStore } from '../store/testing/temp-store.ts';
import { Metrics } from '../ops/metrics.ts';
import type { AppDeps } from '../context.ts';
import type { Operator } from '../admin/auth/operator-auth.ts';
import { registerAuditTrail } from './audit-trail.ts';
import { noteAudit } from './audit-context.ts';

const OPERATOR: Operator = { id: 'op-1', email: 'ops@example.test', name: 'Ops', superAdmin: false, via: 'session' };

/** The trail on a bare route group (as the admin plugin installs it), over a real migrated store. */
async function trailApp(s: TempStore, failInsert = false): Promise<{ app: FastifyInstance; metrics: Metrics; logged: unknown[] }> {
  const app = Fastify();
  const metrics = new Metrics(false);
  const logged: unknown[] = [];
  const db = failInsert ? s.store.db.withPlugin({ transformQuery: (a) => a.node, transformResult: async () => { throw new Error('disk full'); } }) : s.store.db;
  app.decorate('deps', { store: { ...s.store, db }, metrics, logger: { error: (o: unknown) => void logged.push(o) }, clientIp: (peer: string | undefined) => peer } as unknown as AppDeps);
  await app.register(async (api) => {
    // The callback is what logs its caller in: it has no operator yet.
    api.addHook('preHandler', async (req) => { if (!req.url.includes('/sso/')) req.operator = OPERATOR; });
    registerAuditTrail(api);
    // A sign-in callback: a GET that logs someone in says so itself.
    api.get('/auth/sso/callback', async (req) => {
      noteAudit(req, { action: 'auth.login', targetType: 'operator', targetId: 'op-2', actor: { id: 'op-2', email: 'sso@example.test' }, organisationId: null });
      return { ok: true };
    });
    api.post('/organisations/:orgId/dry-run', { config: { audit: false } }, async () => ({ ok: true }));
    api.post('/organisations/:orgId/widgets', async () => ({ id: 'w-1', secret: 'whsec_live_123' }));
  }, { prefix: '/api' });
  return { app, metrics, logged };
}

const rows = (s: TempStore) => s.store.db.selectFrom('audit_log').selectAll().orderBy('created_at').execute();

describe('registerAuditTrail', () => {
  it('records a GET that notes an action, skips opted-out routes, masks, and names the route', async (t) => {
    const s = await openTempStore();
    t.after(() => s.close());
    const { app } = await trailApp(s);
    t.after(() => app.close());
    assert.equal((await app.inject({ method: 'GET', url: '/api/auth/sso/callback' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'POST', url: '/api/organisations/o1/dry-run', payload: {} })).statusCode, 200);
    assert.equal((await app.inject({ method: 'POST', url: '/api/organisations/o1/widgets', payload: {} })).statusCode, 200);
    const [sso, widget, ...rest] = await rows(s);
    assert.equal(rest.length, 0, 'the dry run wrote nothing');
    assert.deepEqual([sso.action, sso.actor_type, sso.actor_id, sso.actor_label, sso.organisation_id], ['auth.login', 'operator', 'op-2', 'sso@example.test', null]);
    assert.deepEqual([widget.action, widget.target_type, widget.target_id, widget.organisation_id, widget.actor_id], ['widget.create', 'widget', 'w-1', 'o1', 'op-1']);
    assert.deepEqual(JSON.parse(widget.changes), { after: { id: 'w-1', secret: '[masked]' } });
  });

  it('a failed audit write does not fail the call: counted, and logged without secrets', async (t) => {
    const s = await openTempStore();
    t.after(() => s.close());
    const { app, metrics, logged } = await trailApp(s, true);
    t.after(() => app.close());
    const res = await app.inject({ method: 'POST', url: '/api/organisations/o1/widgets', payload: {} });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().id, 'w-1');
    assert.match(await metrics.registry.metrics(), /odock_audit_write_failures_total 1/);
    assert.equal(logged.length, 1);
    assert.ok(!JSON.stringify(logged).includes('whsec_live_123'));
  });
});
