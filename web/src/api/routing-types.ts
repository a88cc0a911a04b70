// Deployments, routing rules and the routing dry run, as the admin API answers them.
export interface DeploymentHealth {
  status: 'healthy' | 'cooling_down';
  coolingDownUntil: string | null;
  recentRequests: number;
  recentErrors: number;
  errorRate: number;
}

export interface Deployment {
  id: string;
  modelId: string;
  providerId: string;
  providerApiKeyId: string;
  slug: string;
  weight: number;
  createdAt: string;
  health?: DeploymentHealth;
}

export type Strategy = 'FAILOVER' | 'ROUND_ROBIN' | 'WEIGHTED';
export type FailoverOn = 'SERVER_ERROR' | 'TIMEOUT' | 'RATE_LIMIT' | 'ANY';
export interface RuleCandidate { modelId: string; priority: number; weight: number }

export interface RoutingRule {
  id: string;
  modelId: string;
  apiKeyId: string | null;
  strategy: Strategy;
  candidates: RuleCandidate[];
  failoverOn: FailoverOn[];
  maxAttempts: number;
  retryDelayMs: number;
  createdAt: string;
}

export interface Attempt {
  modelId: string;
  deploymentId: string | null;
  status: number;
  errorCode: string | null;
  latencyMs: number;
}

export interface RoutingExplanation {
  model: { id: string; name: string };
  allowed: boolean;
  reason?: string;
  note?: string;
  rule: { id: string; scope: 'key' | 'organisation'; strategy: Strategy; maxAttempts: number } | null;
  order: { position: number; modelName: string; deploymentId: string | null; providerType: string; slug: string; weight: number; willTry: boolean }[];
  skipped: { modelName: string | null; deploymentId: string | null; reason: string; explanation: string }[];
}
