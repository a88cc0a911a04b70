import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/index.ts';
import { nowIso } from '../../store/db.ts';
import type { Vault } from '../../crypto/envelope.ts';
import type { WebhookRepo } from '../../store/repos/webhook.repo.ts';
import type { WebhookTable } from '../../store/schema.ts';
import { assertSafeBaseUrl } from '../../upstream/ssrf-guard.ts';
import { webhookSecretContext } from '../../budgets/webhook-dispatcher.ts';
import type { PageParams } from '../shared/validation.ts';

export interface WebhookInput {
  url: string;
  secret: string;
  events: string[];
}
export type WebhookPatch = Partial<WebhookInput> & { enabled?: boolean };

export interface WebhookServiceDeps {
  repo: Pick<WebhookRepo, 'list' | 'find' | 'insert' | 'update' | 'delete' | 'deliveries'>;
  vault: Pick<Vault, 'encrypt'>;
  allowPrivate: boolean;
}

/**
 * An organisation's webhooks. The URL passes the SSRF guard here and again at every connection;
 * the signing secret is stored encrypted (bound to the organisation and the webhook) and never
 * shown again.
 */
export function createWebhookService(deps: WebhookServiceDeps) {
  const get = async (orgId: string, id: string): Promise<WebhookTable> => {
    const w = await deps.repo.find(orgId, id);
    if (!w) throw new GatewayError('not_found', 'Webhook not found');
    return w;
  };
  const seal = (orgId: string, id: string, secret: string) => deps.vault.encrypt(secret, webhookSecretContext(orgId, id));
  return {
    list: (orgId: string, page: PageParams) => deps.repo.list(orgId, page),
    get,

    async create(orgId: string, input: WebhookInput): Promise<WebhookTable> {
      const url = assertSafeBaseUrl(input.url, deps.allowPrivate, 'url');
      const now = nowIso();
      const id = randomUUID();
      const w: WebhookTable = {
        id, organisation_id: orgId, url, secret_ciphertext: seal(orgId, id, input.secret), events: JSON.stringify([...new Set(input.events)]),
        enabled: 1, created_at: now, updated_at: now,
      };
      await deps.repo.insert(w);
      return w;
    },

    async update(orgId: string, id: string, patch: WebhookPatch): Promise<WebhookTable> {
      await get(orgId, id);
      const set: Partial<WebhookTable> = { updated_at: nowIso() };
      if (patch.url !== undefined) set.url = assertSafeBaseUrl(patch.url, deps.allowPrivate, 'url');
      if (patch.secret !== undefined) set.secret_ciphertext = seal(orgId, id, patch.secret);
      if (patch.events !== undefined) set.events = JSON.stringify([...new Set(patch.events)]);
      if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
      await deps.repo.update(orgId, id, set);
      return get(orgId, id);
    },

    async delete(orgId: string, id: string): Promise<void> {
      await get(orgId, id);
      await deps.repo.delete(orgId, id);
    },

    async deliveries(orgId: string, id: string, page: PageParams) {
      await get(orgId, id);
      return deps.repo.deliveries(orgId, id, page);
    },
  };
}
