// PLACEHOLDER written by the lead so the app loads before the adapters land; the providers
// engineer replaces this file with the real implementation of ProviderAdapterApi.
import { GatewayError } from '../errors/index.ts';
import type { ProviderAdapterApi } from './contract.ts';

const missing = (): never => {
  throw new GatewayError('provider_type_unsupported', 'Provider adapters are not available in this build');
};

export const providers: ProviderAdapterApi = {
  buildUpstreamCall: missing,
  translateResponse: missing,
  createStreamTranslator: missing,
  mapUpstreamError: () => new GatewayError('upstream_error', 'Upstream error'),
};
