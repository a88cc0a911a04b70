import type { FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { resolveOperator } from './auth/operator-auth.ts';
import { assertNotForged, createTrustedPeer, isTls } from './auth/request-origin.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { operatorTokenRoutes } from './operator-tokens/operator-tokens.routes.ts';
import { organisationRoutes } from './organisations/organisations.routes.ts';
import { teamRoutes } from './teams/teams.routes.ts';
import { userRoutes } from './users/users.routes.ts';
import { invitationRoutes } from './invitations/invitations.routes.ts';
import { providerRoutes } from './providers/providers.routes.ts';
import { catalogRoutes } from './catalog/catalog.routes.ts';
import { modelRoutes } from './models/models.routes.ts';
import { apiKeyRoutes } from './api-keys/api-keys.routes.ts';
import { mcpServerRoutes } from './mcp-servers/mcp-servers.routes.ts';
import { usageRoutes } from './usage/usage.routes.ts';
import { policyExplainRoutes } from './policies/policy-explain.routes.ts';
import { deploymentRoutes } from './deployments/deployments.routes.ts';
import { routingRuleRoutes } from './routing-rules/routing-rules.routes.ts';
import { analyticsRoutes } from './analytics/analytics.routes.ts';
import { collectRoutes, openapiRoutes } from './shared/openapi.ts';
import { registerAuditTrail } from '../audit/audit-trail.ts';
import { auditLogRoutes } from './audit-log/audit-log.routes.ts';
import { apiDocsRoutes } from './shared/api-docs/api-docs.routes.ts';
import { tryOutRoutes } from './try-out/try-out.routes.ts';
import type { GatewayRuntime } from '../gateway/gateway-call.ts';
import { ssoRoutes } from './sso/sso.routes.ts';
import { budgetRoutes } from './budgets/budgets.routes.ts';
import { quotaRoutes } from './quotas/quotas.routes.ts';
import { webhookRoutes } from './webhooks/webhooks.routes.ts';

/** The admin API route group: its own auth (operator session or access token), JSON errors. */
export async function adminRoutes(app: FastifyInstance, opts: { gateway?: GatewayRuntime } = {}): Promise<void> {
  const routes = collectRoutes(app);
  // Cookies (the operator session) exist only here: the gateway never reads or sets one.
  await app.register(fastifyCookie);
  const trustedPeer = createTrustedPeer(app.deps.config.trustedProxyCidrs);
  app.addHook('preHandler', async (req) => {
    req.overTls = isTls(req, trustedPeer);
    assertNotForged(req, trustedPeer);
    req.operator = await resolveOperator(app.deps.store.db, req);
  });
  // Every admin change, login and token use is recorded: installed before any route exists.
  registerAuditTrail(app);
  await app.register(authRoutes);
  await app.register(operatorTokenRoutes);
  await app.register(organisationRoutes);
  await app.register(teamRoutes);
  await app.register(userRoutes);
  await app.register(invitationRoutes);
  await app.register(providerRoutes);
  await app.register(catalogRoutes);
  await app.register(modelRoutes);
  await app.register(apiKeyRoutes);
  await app.register(mcpServerRoutes);
  await app.register(usageRoutes);
  await app.register(policyExplainRoutes);
  await app.register(auditLogRoutes);
  await app.register(deploymentRoutes);
  await app.register(routingRuleRoutes);
  if (opts.gateway) await app.register(tryOutRoutes(opts.gateway));
  await app.register(ssoRoutes);
  await app.register(budgetRoutes);
  await app.register(quotaRoutes);
  await app.register(webhookRoutes);
  await app.register(analyticsRoutes);
  await app.register(openapiRoutes(routes));
  await app.register(apiDocsRoutes);
}
