import type { ProviderType } from './provider-types.ts';

/** Where a call goes: the resolved model's provider, key and upstream id. */
export interface UpstreamTarget {
  providerType: ProviderType;
  baseUrl: string;          // provider.baseUrl, no trailing slash
  apiKey: string;           // the decrypted provider key, in memory only
  slug: string;             // the model's upstream id
  config: Record<string, unknown>; // provider.config (e.g. Azure apiVersion, deployment map)
}
