import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { nowIso } from '../../store/db.ts';
import type { RoutingRuleTable } from '../../store/schema.ts';
import type { PageParams } from '../../store/repos/paging.ts';
import type { RoutingRuleFilter, RoutingRuleRepo } from '../../store/repos/routing-rule.repo.ts';
import type { GrantRepo } from '../../store/repos/grant.repo.ts';
import type { FailoverOn, RuleCandidate, Strategy } from '../../routing/routing.types.ts';
import type { Invalidate } from '../shared/service-deps.ts';

export interface RuleCreate {
  modelId: string; apiKeyId?: string | null; strategy: Strategy; candidates: RuleCandidate[];
  failoverOn: FailoverOn[]; maxAttempts: number; retryDelayMs: number;
}
export type RulePatch = Partial<Omit<RuleCreate, 'modelId' | 'apiKeyId'>>;

export interface RoutingRuleServiceDeps {
  rules: Pick<RoutingRuleRepo, 'listPage' | 'find' | 'findScope' | 'insert' | 'update' | 'delete'>;
  grants: Pick<GrantRepo, 'keysInOrg' | 'targetsInOrg'>;
  invalidate: Invalidate;
}

/**
 * Routing rules: for a requested model, which candidate models to try and how. Every model and
 * key a rule names must be the organisation's own (400 otherwise); at most one rule per model
 * and key, and one organisation-wide per model (409). Candidates are not granted by a rule:
 * the gateway uses only those the calling key is granted.
 */
export function createRoutingRuleService({ rules, grants, invalidate }: RoutingRuleServiceDeps) {
  const invalidateOrg = (orgId: string) => invalidate({ kind: 'org', orgId });

  const get = async (orgId: string, id: string): Promise<RoutingRuleTable> => {
    const r = await rules.find(orgId, id);
    if (!r) throw new GatewayError('not_found', 'Routing rule not found');
    return r;
  };
  const checkModels = async (orgId: string, ids: string[], field: string) => {
    const unique = [...new Set(ids)];
    const found = await grants.targetsInOrg(orgId, 'model', unique);
    if (found.length !== unique.length) throw new GatewayError('invalid_request', `${field} names a model that is not a model of this organisation`, { field });
  };

  return {
    get,
    list: (orgId: string, f: RoutingRuleFilter, p: PageParams) => rules.listPage(orgId, f, p),

    async create(orgId: string, body: RuleCreate): Promise<RoutingRuleTable> {
      await checkModels(orgId, [body.modelId], 'modelId');
      await checkModels(orgId, body.candidates.map((c) => c.modelId), 'candidates');
      const apiKeyId = body.apiKeyId ?? null;
      if (apiKeyId && (await grants.keysInOrg(orgId, [apiKeyId])).length === 0) {
        throw new GatewayError('invalid_request', 'apiKeyId does not name an API key of this organisation', { field: 'apiKeyId' });
      }
      if (await rules.findScope(orgId, body.modelId, apiKeyId)) {
        throw new GatewayError('conflict', apiKeyId ? 'This key already has a routing rule for this model' : 'This model already has an organisation-wide routing rule', { field: 'modelId' });
      }
      const now = nowIso();
      const row: RoutingRuleTable = {
        id: randomUUID(), organisation_id: orgId, model_id: body.modelId, api_key_id: apiKeyId, strategy: body.strategy,
        candidates: JSON.stringify(body.candidates), failover_on: JSON.stringify(body.failoverOn), max_attempts: body.maxAttempts,
        retry_delay_ms: body.retryDelayMs, created_at: now, updated_at: now,
      };
      await rules.insert(row);
      await invalidateOrg(orgId);
      return row;
    },

    async update(orgId: string, id: string, body: RulePatch): Promise<RoutingRuleTable> {
      await get(orgId, id);
      const set: Partial<RoutingRuleTable> = { updated_at: nowIso() };
      if (body.candidates !== undefined) {
        await checkModels(orgId, body.candidates.map((c) => c.modelId), 'candidates');
        set.candidates = JSON.stringify(body.candidates);
      }
      if (body.strategy !== undefined) set.strategy = body.strategy;
      if (body.failoverOn !== undefined) set.failover_on = JSON.stringify(body.failoverOn);
      if (body.maxAttempts !== undefined) set.max_attempts = body.maxAttempts;
      if (body.retryDelayMs !== undefined) set.retry_delay_ms = body.retryDelayMs;
      await rules.update(orgId, id, set);
      await invalidateOrg(orgId);
      return get(orgId, id);
    },

    async remove(orgId: string, id: string): Promise<void> {
      await get(orgId, id);
      await rules.delete(orgId, id);
      await invalidateOrg(orgId);
    },
  };
}
export type RoutingRuleService = ReturnType<typeof createRoutingRuleService>;
