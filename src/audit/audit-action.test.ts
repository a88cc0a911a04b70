import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { auditTargetOf, singular } from './audit-action.ts';
import { startOdock, type TestOdock } from '../../test/helpers/odock.ts';

describe('auditTargetOf', () => {
  it('names actions and targets from the route', () => {
    const cases: Array<[string, string, string, string | undefined, string | undefined]> = [
      ['POST', '/organisations', 'organisation.create', 'organisation', undefined],
      ['PATCH', '/organisations/:orgId', 'organisation.update', 'organisation', 'orgId'],
      ['POST', '/organisations/:orgId/api-keys', 'api_key.create', 'api_key', undefined],
      ['PATCH', '/organisations/:orgId/api-keys/:keyId', 'api_key.update', 'api_key', 'keyId'],
      ['DELETE', '/organisations/:orgId/api-keys/:keyId', 'api_key.delete', 'api_key', 'keyId'],
      ['POST', '/organisations/:orgId/api-keys/:keyId/revoke', 'api_key.revoke', 'api_key', 'keyId'],
      ['POST', '/organisations/:orgId/api-keys/:keyId/model-access', 'api_key.model_access.create', 'api_key', 'keyId'],
      ['DELETE', '/organisations/:orgId/api-keys/:keyId/model-access/:modelId', 'api_key.model_access.delete', 'api_key', 'keyId'],
      ['POST', '/organisations/:orgId/teams/:teamId/members', 'team.members.create', 'team', 'teamId'],
      ['POST', '/organisations/:orgId/providers/:providerId/keys/:keyId/revoke', 'provider_key.revoke', 'provider_key', 'keyId'],
      ['POST', '/organisations/:orgId/invitations/:invitationId/resend', 'invitation.resend', 'invitation', 'invitationId'],
      ['PUT', '/organisations/:orgId/budgets/:budgetId', 'budget.update', 'budget', 'budgetId'],
      ['POST', '/auth/login', 'auth.login', undefined, undefined],
    ];
    for (const [method, url, action, targetType, targetParam] of cases) {
      const t = auditTargetOf(method, url);
      assert.deepEqual([t.action, t.targetType, t.targetParam], [action, targetType, targetParam], `${method} ${url}`);
    }
    assert.equal(auditTargetOf('PATCH', '/organisations/:orgId/api-keys/:keyId').recordUrl, '/organisations/:orgId/api-keys/:keyId');
    assert.equal(singular('policies'), 'policy');
    assert.equal(singular('mcp-servers'), 'mcp_server');
  });

  describe('every non-GET admin route', () => {
    let odock: TestOdock | undefined;
    after(() => odock?.close());
    it('gets a well-formed action and a target type (a route added later included)', async () => {
      odock = await startOdock();
      const doc = (await odock.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
      let n = 0;
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const method of Object.keys(ops)) {
          if (method === 'get') continue;
          const url = path.replace(/^\/api/, '').replace(/\{(\w+)\}/g, ':$1');
          const t = auditTargetOf(method.toUpperCase(), url);
          assert.match(t.action, /^[a-z_]+(\.[a-z_]+)+$/, `${method} ${path}`);
          if (!url.startsWith('/auth/log')) assert.ok(t.targetType, `${method} ${path} has a target type`);
          n++;
        }
      }
      assert.ok(n > 30, `${n} mutating routes`);
    });
  });
});
