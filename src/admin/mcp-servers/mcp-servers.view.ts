import type { McpServerTable } from '../../store/schema.ts';
import { json } from '../../store/json-column.ts';
import { stdioNameOf } from '../../mcp/stdio-allowlist.ts';
import { formatUsd } from '../../budgets/money.ts';

// Credentials (auth secret, STDIO env) are never returned; only whether they are set.
// stdioCommand: the allowlist name; command/args: only a free-form command stored before the
// allowlist existed (never started; shown so an admin can replace it).
export const mcpServerView = (s: McpServerTable) => {
  const stdioCommand = stdioNameOf(s.command);
  return {
    id: s.id, organisationId: s.organisation_id, name: s.name, slug: s.slug, description: s.description, transport: s.transport,
    endpointUrl: s.endpoint_url, stdioCommand, command: stdioCommand ? null : s.command, args: stdioCommand ? [] : json.parse(s.args, []),
    authType: s.auth_type, authConfig: json.parse(s.auth_config, {}),
    hasAuthSecret: !!s.auth_ciphertext, hasEnv: !!s.env_ciphertext, enabled: !!s.enabled,
    allowedTools: json.parse(s.allowed_tools, []), blockedTools: json.parse(s.blocked_tools, []), createdAt: s.created_at, updatedAt: s.updated_at,
    priceUsd: s.price_nano_usd ? formatUsd(Number(s.price_nano_usd)) : null,
  };
};
