// Typed calls for deployments and routing rules (templates in routes.ts).
import { call, type PageQuery } from './endpoints.ts';
import type { Page } from './types.ts';
import type { Deployment, RoutingExplanation, RoutingRule } from './routing-types.ts';

export type DeploymentInput = Pick<Deployment, 'providerId' | 'providerApiKeyId' | 'slug' | 'weight'>;
export type RoutingRuleInput = Omit<RoutingRule, 'id' | 'createdAt'>;

export const routingApi = {
  listDeployments: (orgId: string, modelId: string) => call<Page<Deployment>>('listDeployments', { orgId, modelId }),
  createDeployment: (orgId: string, modelId: string, body: DeploymentInput) => call<Deployment>('createDeployment', { orgId, modelId }, { body }),
  updateDeployment: (orgId: string, deploymentId: string, body: Partial<DeploymentInput>) => call<Deployment>('updateDeployment', { orgId, deploymentId }, { body }),
  deleteDeployment: (orgId: string, deploymentId: string) => call<unknown>('deleteDeployment', { orgId, deploymentId }),
  listRoutingRules: (orgId: string, q?: PageQuery) => call<Page<RoutingRule>>('listRoutingRules', { orgId }, { query: q }),
  createRoutingRule: (orgId: string, body: RoutingRuleInput) => call<RoutingRule>('createRoutingRule', { orgId }, { body }),
  updateRoutingRule: (orgId: string, ruleId: string, body: Partial<Omit<RoutingRuleInput, 'modelId' | 'apiKeyId'>>) => call<RoutingRule>('updateRoutingRule', { orgId, ruleId }, { body }),
  deleteRoutingRule: (orgId: string, ruleId: string) => call<unknown>('deleteRoutingRule', { orgId, ruleId }),
  routingExplain: (orgId: string, keyId: string, model: string) => call<RoutingExplanation>('routingExplain', { orgId, keyId }, { query: { model } }),
};
