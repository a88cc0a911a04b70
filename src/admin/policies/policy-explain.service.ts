import { GatewayError } from '../../errors/index.ts';
import { json } from '../../store/json-column.ts';
import type { ApiKeyRepo } from '../../store/repos/api-key.repo.ts';
import type { ModelRepo } from '../../store/repos/model.repo.ts';
import type { PolicyEngine } from '../../policy/index.ts';
import { scopesOf } from '../../gateway/policy-gate.ts';
import type { ResolvedAuth } from '../../auth/auth-entry.ts';

export interface ExplainQuery { modelId?: string; clientIp?: string; maxTokens?: number; inputTokens?: number; requestBytes?: number }

export interface PolicyExplainServiceDeps {
  apiKeys: Pick<ApiKeyRepo, 'findPolicyChain'>;
  models: Pick<ModelRepo, 'find'>;
  policy: Pick<PolicyEngine, 'explain'>;
}

/**
 * Dry run: which policies apply to a key (and model), and which would refuse the next request.
 * Reads counters without consuming anything.
 */
export function createPolicyExplainService({ apiKeys, models, policy }: PolicyExplainServiceDeps) {
  return {
    async explain(orgId: string, keyId: string, q: ExplainQuery) {
      const k = await apiKeys.findPolicyChain(orgId, keyId);
      if (!k) throw new GatewayError('not_found', 'API key not found');
      let model: { modelId: string; policies: unknown } | undefined;
      if (q.modelId) {
        const m = await models.find(orgId, q.modelId);
        if (!m) throw new GatewayError('invalid_request', 'modelId does not name a model of this organisation', { field: 'modelId' });
        model = { modelId: m.id, policies: json.parse(m.policies, {}) };
      }
      const auth = {
        keyId: k.id, orgId, teamId: k.team_id,
        policies: { organisation: json.parse(k.op, {}), team: json.parse(k.tp, {}), key: json.parse(k.kp, {}) },
      } as ResolvedAuth;
      return policy.explain(scopesOf(auth, model), {
        clientIp: q.clientIp, maxTokens: q.maxTokens, inputTokens: q.inputTokens, requestBytes: q.requestBytes,
      });
    },
  };
}
export type PolicyExplainService = ReturnType<typeof createPolicyExplainService>;
