// STDIO MCP servers run only commands the deployment lists (ODOCK_MCP_STDIO_ALLOWLIST); the
// console picks one by name. The names come from GET /api/mcp/stdio-commands (never the commands).
import { useQuery } from '@tanstack/react-query';
import { request } from '../../api/client.ts';
import type { McpServer } from '../../api/types.ts';

export interface StdioCommands {
  configured: boolean;
  items: { name: string }[];
}

/** A server as the API answers it: STDIO servers name their allowlist entry. */
export type McpServerView = McpServer & { stdioCommand?: string | null };

export function useStdioCommands(enabled: boolean) {
  return useQuery({
    queryKey: ['mcp', 'stdio-commands'],
    queryFn: () => request<StdioCommands>('GET', '/api/mcp/stdio-commands'),
    enabled,
    staleTime: 60_000,
  });
}

/** What the lists show under "Endpoint / command". */
export function targetOf(s: McpServerView): string {
  if (s.transport !== 'STDIO') return s.endpointUrl ?? '';
  if (s.stdioCommand) return `allowlist: ${s.stdioCommand}`;
  // Stored before the allowlist existed: shown, never started.
  return s.command ? `not started: ${[s.command, ...(s.args ?? [])].join(' ')}` : '';
}
