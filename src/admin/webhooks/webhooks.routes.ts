import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { webhookRepo } from '../../store/repos/webhook.repo.ts';
import type { WebhookDeliveryTable, WebhookTable } from '../../store/schema.ts';
import { json } from '../../store/json-column.ts';
import { WEBHOOK_EVENTS } from '../../budgets/budget-alerts.ts';
import { pageParams, parseBody, toPage } from '../shared/validation.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { createWebhookService } from './webhooks.service.ts';

const url = z.string().min(1).max(2000);
const secret = z.string().min(16, 'must be at least 16 characters').max(500);
const events = z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(10);
const WebhookCreate = z.object({ url, secret, events: events.optional() }).strict();
const WebhookPatch = z.object({ url: url.optional(), secret: secret.optional(), events: events.optional(), enabled: z.boolean().optional() }).strict();

// Never the secret or its ciphertext.
export const webhookView = (w: WebhookTable) => ({
  id: w.id, organisationId: w.organisation_id, url: w.url, events: json.parse(w.events, [] as string[]), enabled: !!w.enabled, createdAt: w.created_at, updatedAt: w.updated_at,
});
export const deliveryView = (d: WebhookDeliveryTable) => ({
  id: d.id, webhookId: d.webhook_id, event: d.event, status: d.status, attempts: d.attempts, nextAttemptAt: d.status === 'PENDING' ? d.next_attempt_at : null,
  lastStatusCode: d.last_status_code, lastError: d.last_error, deliveredAt: d.delivered_at, createdAt: d.created_at, payload: json.parse(d.payload, {}),
});

type Params = { orgId: string; webhookId: string };

export async function webhookRoutes(app: FastifyInstance): Promise<void> {
  const hooks = createWebhookService({ repo: webhookRepo(app.deps.store.db), vault: app.deps.vault, allowPrivate: app.deps.config.ODOCK_ALLOW_PRIVATE_UPSTREAMS });

  app.get<{ Params: Pick<Params, 'orgId'> }>('/organisations/:orgId/webhooks', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    return toPage(await hooks.list(req.params.orgId, p), p.limit, webhookView);
  });

  // Where alerts (and the secret that signs them) are sent is an admin's decision, like provider base URLs.
  app.post<{ Params: Pick<Params, 'orgId'> }>('/organisations/:orgId/webhooks', { config: { bodySchema: WebhookCreate } }, async (req, reply) => {
    await requireOrg(req, req.params.orgId, 'admin');
    const body = parseBody(WebhookCreate, req.body);
    const w = await hooks.create(req.params.orgId, { ...body, events: body.events ?? [...WEBHOOK_EVENTS] });
    reply.status(201);
    return webhookView(w);
  });

  app.get<{ Params: Params }>('/organisations/:orgId/webhooks/:webhookId', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    return webhookView(await hooks.get(req.params.orgId, req.params.webhookId));
  });

  app.patch<{ Params: Params }>('/organisations/:orgId/webhooks/:webhookId', { config: { bodySchema: WebhookPatch } }, async (req) => {
    await requireOrg(req, req.params.orgId, 'admin');
    return webhookView(await hooks.update(req.params.orgId, req.params.webhookId, parseBody(WebhookPatch, req.body)));
  });

  app.delete<{ Params: Params }>('/organisations/:orgId/webhooks/:webhookId', async (req, reply) => {
    await requireOrg(req, req.params.orgId, 'admin');
    await hooks.delete(req.params.orgId, req.params.webhookId);
    reply.status(204);
  });

  app.get<{ Params: Params }>('/organisations/:orgId/webhooks/:webhookId/deliveries', async (req) => {
    await requireOrg(req, req.params.orgId, 'read');
    const p = pageParams(req.query);
    return toPage(await hooks.deliveries(req.params.orgId, req.params.webhookId, p), p.limit, deliveryView);
  });
}
