import { performance } from 'node:perf_hooks';
import { GatewayError } from '../../errors/index.ts';
import { toGatewayError } from '../../errors/to-gateway-error.ts';
import type { Vault } from '../../crypto/envelope.ts';
import type { ProviderRepo } from '../../store/repos/provider.repo.ts';
import type { ProviderKeyRepo } from '../../store/repos/provider-key.repo.ts';
import { json } from '../../store/json-column.ts';
import { mapUpstreamError } from '../../providers/index.ts';
import { modelIdsOf, modelsEndpoint } from '../../providers/models-endpoint.ts';
import type { ProviderType } from '../../providers/provider-types.ts';
import { scrubBody } from '../../upstream/secret-scrub.ts';
import { readBody, type UpstreamClient } from '../../upstream/client.ts';

const MAX_BODY = 4 * 1024 * 1024;
const TEST_TIMEOUT_MS = 15_000;

export interface ProviderKeyTestDeps {
  providers: Pick<ProviderRepo, 'find'>;
  providerKeys: Pick<ProviderKeyRepo, 'find'>;
  vault: Pick<Vault, 'decrypt'>;
  upstream: Pick<UpstreamClient, 'send'>;
}

export type TryOutResult<T> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

/**
 * A provider key tried for real with the cheapest call (list models), through the same upstream
 * client as gateway calls (SSRF guard, the organisation's pool, no redirects). A refusal is an
 * answer, not an error of this endpoint: it comes back as `{ok:false, error}` with the catalogued
 * code the gateway would use, the key scrubbed from any upstream text.
 */
export function createProviderKeyTester({ providers, providerKeys, vault, upstream }: ProviderKeyTestDeps) {
  return async (orgId: string, providerId: string, keyId: string): Promise<TryOutResult<{ latencyMs: number; models: string[] }>> => {
    const provider = await providers.find(orgId, providerId);
    const key = provider && await providerKeys.find(orgId, providerId, keyId);
    if (!provider || !key) throw new GatewayError('not_found', 'Provider key not found');
    const type = provider.type as ProviderType;
    const t0 = performance.now();
    let secret = '';
    try {
      secret = vault.decrypt(key.ciphertext, { organisationId: orgId, recordId: key.id, purpose: 'provider_key' });
      const ep = modelsEndpoint({ providerType: type, baseUrl: provider.base_url, apiKey: secret, slug: '', config: json.parse(provider.config, {}) });
      const res = await upstream.send(orgId, { method: 'GET', url: ep.url, headers: ep.headers, body: '', stream: false }, Math.min(provider.timeout_ms, TEST_TIMEOUT_MS), new AbortController().signal);
      const text = scrubBody(await readBody(res.body, MAX_BODY), secret).toString('utf8');
      if (res.statusCode >= 400) throw mapUpstreamError(type, res.statusCode, res.headers, text, secret);
      let models: string[] = [];
      try {
        models = modelIdsOf(JSON.parse(text)).slice(0, 200);
      } catch {
        throw new GatewayError('upstream_error', 'The upstream provider answered with a body that is not JSON');
      }
      return { ok: true, latencyMs: Math.round(performance.now() - t0), models };
    } catch (e) {
      const ge = toGatewayError(e);
      // The catalogued mappers never quote the key; this is the last line should one ever slip.
      const message = secret ? ge.message.split(secret).join('[redacted]') : ge.message;
      return { ok: false, error: { code: ge.code, message } };
    }
  };
}
