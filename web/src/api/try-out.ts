// Admin routes for trying things out: provider-key test, MCP connection test, the playground
// (streamed with fetch, since the generic client reads whole JSON bodies) and the policy dry run.
import { ApiError, fillPath, request } from './client.ts';
import { ROUTES } from './routes.ts';

export type TryOutFailure = { ok: false; error: { code: string; message: string } };
export type KeyTestResult = { ok: true; latencyMs: number; models: string[] } | TryOutFailure;
export interface DiscoveredTool { name: string; description: string; usable: boolean }
export type McpTestResult = { ok: true; latencyMs: number; serverName: string | null; tools: DiscoveredTool[] } | TryOutFailure;
export interface ChatMessage { role: 'system' | 'user' | 'assistant'; content: string }

export interface PolicyExplanation {
  client_ip: string | null;
  degraded: boolean;
  policies: { scope: string; policy: string; code: string; limit: number | null; current: number | string | null; would_refuse: boolean; retry_after?: number }[];
  would_refuse: null | { code: string; message: string; scope: string };
}

const path = (name: keyof typeof ROUTES, params: Record<string, string>) => fillPath(ROUTES[name][1], params);

export const tryOut = {
  testProviderKey: (orgId: string, providerId: string, keyId: string) => request<KeyTestResult>('POST', path('testProviderKey', { orgId, providerId, keyId })),
  testMcpServer: (orgId: string, serverId: string) => request<McpTestResult>('POST', path('testMcpServer', { orgId, serverId })),
  explainPolicies: (orgId: string, keyId: string, query: { modelId?: string } = {}) => request<PolicyExplanation>('GET', path('explainPolicies', { orgId, keyId }), { query }),

  /**
   * One playground turn, streamed: `onDelta` gets each text fragment as the gateway relays it.
   * Resolves with the whole answer; throws an ApiError with the gateway's code on a refusal.
   */
  async chat(orgId: string, body: { apiKeyId: string; model: string; messages: ChatMessage[] }, onDelta: (text: string) => void, signal?: AbortSignal): Promise<string> {
    const res = await fetch(path('playgroundChat', { orgId }), {
      method: 'POST', credentials: 'same-origin', signal,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ ...body, stream: true }),
    });
    if (!res.ok || !res.body) {
      const err = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string; field?: string } };
      throw new ApiError(res.status, err.error?.code ?? 'error', err.error?.message ?? `HTTP ${res.status}`, err.error?.field, err as Record<string, unknown>);
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const events = buffer.split(/\r?\n\r?\n/);
      buffer = events.pop() ?? '';
      for (const ev of events) {
        const data = ev.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        if (!data || data === '[DONE]') continue;
        const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string } }[]; error?: { code?: string; message?: string } };
        if (chunk.error) throw new ApiError(502, chunk.error.code ?? 'upstream_error', chunk.error.message ?? 'The stream failed', undefined, chunk as Record<string, unknown>);
        const delta = chunk.choices?.[0]?.delta?.content;
        if (delta) {
          text += delta;
          onDelta(delta);
        }
      }
    }
    return text;
  },
};
