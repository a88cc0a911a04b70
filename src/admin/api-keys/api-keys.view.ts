import type { ApiKeyTable } from '../../store/schema.ts';
import { maskKey } from '../../auth/key-format.ts';
import { json } from '../../store/json-column.ts';

// Never the secret, never its hash: only the masked form.
export const apiKeyView = (k: ApiKeyTable) => ({
  id: k.id, organisationId: k.organisation_id, type: k.type, teamId: k.team_id, userId: k.user_id, name: k.name,
  maskedKey: maskKey(k.key_last4), expiry: k.expiry, expiryLocal: k.expiry_local, timezone: k.timezone,
  revealed: !!k.revealed, revoked: !!k.revoked, policies: json.parse(k.policies, {}),
  createdAt: k.created_at, updatedAt: k.updated_at, lastUsedAt: k.last_used_at,
});
