import type { ModelTable } from '../../store/schema.ts';
import { json } from '../../store/json-column.ts';

export const modelView = (m: ModelTable) => ({
  id: m.id, organisationId: m.organisation_id, name: m.name, slug: m.slug, providerId: m.provider_id, providerApiKeyId: m.provider_api_key_id,
  type: m.type, capabilities: json.parse(m.capabilities, []), pricing: json.parse(m.pricing, {}), policies: json.parse(m.policies, {}),
  createdAt: m.created_at, updatedAt: m.updated_at,
});
