import type { McpServerTable } from '../store/schema.ts';
import { json } from './validation.ts';

// Credentials (auth secret, STDIO env) are never returned; only whether they are set.
export const mcpServerView = (s: McpServerTable) => ({
  id: s.id, organisationId: s.organisation_id, name: s.name, slug: s.slug, description: s.description, transport: s.transport,
  endpointUrl: s.endpoint_url, command: s.command, args: json.parse(s.args, []), authType: s.auth_type, authConfig: json.parse(s.auth_config, {}),
  hasAuthSecret: !!s.auth_ciphertext, hasEnv: !!s.env_ciphertext, enabled: !!s.enabled,
  allowedTools: json.parse(s.allowed_tools, []), blockedTools: json.parse(s.blocked_tools, []), createdAt: s.created_at, updatedAt: s.updated_at,
});
