import { AdminClient } from '../helpers/admin-client.ts';
import type { TestOdock } from '../helpers/odock.ts';
import { waitFor } from '../helpers/odock.ts';

/** Admin-API steps the routing tests share: providers on fakes, models, deployments, rules, a key. */
export class RoutingSetup {
  private constructor(readonly client: AdminClient, readonly orgId: string) {}

  static async create(o: TestOdock): Promise<RoutingSetup> {
    const client = await AdminClient.login(o.url);
    return new RoutingSetup(client, await client.defaultOrgId());
  }

  get base() {
    return `/api/organisations/${this.orgId}`;
  }

  /** Activates a provider of `type` on `baseUrl` with one key; returns their ids. */
  async provider(type: string, baseUrl: string, secret: string, timeoutMs?: number): Promise<{ providerId: string; keyId: string }> {
    const p = await this.client.ok('POST', `${this.base}/providers`, { type, baseUrl });
    if (timeoutMs) await this.client.ok('PATCH', `${this.base}/providers/${p.id}`, { timeoutMs });
    const k = await this.client.ok('POST', `${this.base}/providers/${p.id}/keys`, { name: 'Primary', key: secret });
    return { providerId: p.id, keyId: k.id };
  }

  async model(name: string, slug: string, p: { providerId: string; keyId: string }, extra: Record<string, unknown> = {}): Promise<string> {
    const m = await this.client.ok('POST', `${this.base}/models`, { name, slug, providerId: p.providerId, providerApiKeyId: p.keyId, ...extra });
    return m.id;
  }

  async deployment(modelId: string, p: { providerId: string; keyId: string }, slug: string, weight = 1): Promise<string> {
    const d = await this.client.ok('POST', `${this.base}/models/${modelId}/deployments`, { providerId: p.providerId, providerApiKeyId: p.keyId, slug, weight });
    return d.id;
  }

  async rule(body: Record<string, unknown>): Promise<string> {
    return (await this.client.ok('POST', `${this.base}/routing-rules`, body)).id;
  }

  /** A new key granted these models; returns its id and secret. */
  async key(modelIds: string[]): Promise<{ id: string; secret: string }> {
    const k = await this.client.ok('POST', `${this.base}/api-keys`, { type: 'ORGANISATION', name: `k-${Math.random().toString(36).slice(2, 8)}` });
    await this.client.ok('POST', `${this.base}/api-keys/${k.id}/model-access`, { modelIds });
    const { key } = await this.client.ok('POST', `${this.base}/api-keys/${k.id}/reveal`);
    return { id: k.id, secret: key };
  }

  /** Waits for the usage record of the call carrying this X-Request-Id. */
  async usageOf(requestId: string): Promise<any> {
    let found: any;
    await waitFor(async () => {
      const page = await this.client.ok('GET', `${this.base}/usage?limit=500`);
      found = page.items.find((u: any) => u.requestId === requestId);
      return !!found;
    }, 10_000, 50);
    return found;
  }
}
