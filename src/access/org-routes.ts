import type { Vault } from '../crypto/envelope.ts';
import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import type { ProviderType } from '../providers/provider-types.ts';
import { json } from '../store/json-column.ts';
import type { OrgRouteRepo } from '../store/repos/org-route.repo.ts';
import type { Pricing } from '../canonical/usage.types.ts';
import type { ModelRouting } from '../routing/routing.types.ts';
import { attachRouting } from '../routing/routing-table.ts';

export type { Pricing };

export interface ModelRoute {
  modelId: string;
  name: string;
  slug: string;
  type: string;
  pricing: Pricing;
  policies: unknown;
  provider: { id: string; type: ProviderType; baseUrl: string; timeoutMs: number; enabled: boolean; config: Record<string, unknown> };
  providerKey: { id: string; revoked: boolean } | null;
  /** The decrypted provider key; decrypted on first use and kept in memory only. */
  secret(): string;
  /** Deployments and routing rules; undefined for a model with neither (the unrouted fast path). */
  routing?: ModelRouting;
}

export interface McpServerRoute {
  id: string;
  slug: string;
  name: string;
  enabled: boolean;
  transport: string;
  endpointUrl: string | null;
  command: string | null;
  args: string[];
  authType: string;
  authConfig: Record<string, unknown>;
  allowedTools: string[];
  blockedTools: string[];
  /** Price of one tool call in nano-USD, counted in budgets (0: free). */
  priceNanoUsd: number;
  /** Decrypted upstream auth secret (bearer token, basic password, OAuth2 client secret) or null. */
  authSecret(): string | null;
  /** Decrypted STDIO environment, or {}. */
  env(): Record<string, string>;
  updatedAt: string;
}

export interface OrgRouteTable {
  models: Map<string, ModelRoute>;
  /** The same routes by model id (routing candidates name models by id). */
  modelsById: Map<string, ModelRoute>;
  mcpById: Map<string, McpServerRoute>;
  mcpBySlug: Map<string, McpServerRoute>;
}

/**
 * Per-organisation routing table (models with provider and provider key; MCP servers), loaded
 * in two queries on first use and kept in process until an invalidation event for the
 * organisation. A warm gateway request resolves its model from here without SQL.
 */
export class OrgRoutes {
  private readonly tables = new Map<string, Promise<OrgRouteTable>>();

  constructor(private readonly repo: Pick<OrgRouteRepo, 'modelRoutes' | 'mcpServers' | 'deploymentRoutes' | 'routingRules'>, private readonly vault: Vault, bus: InvalidationBus) {
    bus.subscribe((e) => {
      if (e.kind === 'all') this.tables.clear();
      else if (e.kind === 'org') this.tables.delete(e.orgId);
    });
  }

  get(orgId: string): Promise<OrgRouteTable> {
    let t = this.tables.get(orgId);
    if (!t) {
      t = this.load(orgId);
      this.tables.set(orgId, t);
      // A failed load (store down) must not be cached.
      t.catch(() => { if (this.tables.get(orgId) === t) this.tables.delete(orgId); });
    }
    return t;
  }

  private async load(orgId: string): Promise<OrgRouteTable> {
    const [models, servers, deployments, rules] = await Promise.all([
      this.repo.modelRoutes(orgId),
      this.repo.mcpServers(orgId),
      this.repo.deploymentRoutes(orgId),
      this.repo.routingRules(orgId),
    ]);
    const vault = this.vault;
    const table: OrgRouteTable = { models: new Map(), modelsById: new Map(), mcpById: new Map(), mcpBySlug: new Map() };
    for (const m of models) {
      let secret: string | undefined;
      const ciphertext = m.k_ciphertext;
      const keyId = m.k_id;
      table.models.set(m.name, {
        modelId: m.id,
        name: m.name,
        slug: m.slug,
        type: m.type,
        pricing: json.parse<Pricing>(m.pricing, {}),
        policies: json.parse(m.policies, {}),
        provider: {
          id: m.p_id, type: m.p_type as ProviderType, baseUrl: m.p_base_url.replace(/\/+$/, ''), timeoutMs: m.p_timeout_ms,
          enabled: !!m.p_enabled, config: json.parse(m.p_config, {}),
        },
        providerKey: keyId ? { id: keyId, revoked: !!m.k_revoked } : null,
        secret() {
          if (secret === undefined) secret = vault.decrypt(ciphertext!, { organisationId: orgId, recordId: keyId!, purpose: 'provider_key' });
          return secret;
        },
      });
    }
    for (const m of table.models.values()) table.modelsById.set(m.modelId, m);
    attachRouting(orgId, table.modelsById, deployments, rules, vault);
    for (const s of servers) {
      let authSecret: string | null | undefined;
      let env: Record<string, string> | undefined;
      const route: McpServerRoute = {
        id: s.id, slug: s.slug, name: s.name, enabled: !!s.enabled, transport: s.transport, endpointUrl: s.endpoint_url,
        command: s.command, args: json.parse(s.args, []), authType: s.auth_type, authConfig: json.parse(s.auth_config, {}),
        allowedTools: json.parse(s.allowed_tools, []), blockedTools: json.parse(s.blocked_tools, []), updatedAt: s.updated_at,
        priceNanoUsd: Number(s.price_nano_usd ?? 0),
        authSecret() {
          if (authSecret === undefined) {
            authSecret = s.auth_ciphertext ? vault.decrypt(s.auth_ciphertext, { organisationId: orgId, recordId: s.id, purpose: 'mcp_auth' }) : null;
          }
          return authSecret;
        },
        env() {
          if (env === undefined) {
            env = s.env_ciphertext ? JSON.parse(vault.decrypt(s.env_ciphertext, { organisationId: orgId, recordId: s.id, purpose: 'mcp_env' })) : {};
          }
          return env!;
        },
      };
      table.mcpById.set(s.id, route);
      table.mcpBySlug.set(s.slug, route);
    }
    return table;
  }
}
