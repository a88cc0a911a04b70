import type { ProviderKeyTable, ProviderTable } from '../../store/schema.ts';
import { json } from '../../store/json-column.ts';

export const providerView = (p: ProviderTable) => ({
  id: p.id, organisationId: p.organisation_id, type: p.type, name: p.name, baseUrl: p.base_url, timeoutMs: p.timeout_ms,
  enabled: !!p.enabled, config: json.parse(p.config, {}), createdAt: p.created_at, updatedAt: p.updated_at,
});
// The secret is never returned: only its last four characters.
export const providerKeyView = (k: ProviderKeyTable) => ({ id: k.id, providerId: k.provider_id, name: k.name, keyPreview: k.key_preview, revoked: !!k.revoked, createdAt: k.created_at });
