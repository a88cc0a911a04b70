import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors/index.ts';
import { runGatewayCall, type GatewayRuntime } from '../../gateway/gateway-call.ts';
import { gatewayRequest } from '../../gateway/gateway-request.ts';
import { apiKeyRepo } from '../../store/repos/api-key.repo.ts';
import { providerRepo } from '../../store/repos/provider.repo.ts';
import { providerKeyRepo } from '../../store/repos/provider-key.repo.ts';
import { requireOrg } from '../auth/operator-auth.ts';
import { parseBody } from '../shared/validation.ts';
import { createProviderKeyTester } from './provider-key-test.service.ts';
import { createMcpServerTester } from './mcp-server-test.service.ts';
import { KeyTestResult, McpTestResult } from './try-out.schemas.ts';

const Chat = z.object({
  apiKeyId: z.string().min(1).max(100),
  model: z.string().trim().min(1).max(200),
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(200_000) }).strict()).min(1).max(200),
  stream: z.boolean().optional(),
  maxTokens: z.number().int().min(1).max(1_000_000).optional(),
}).strict();

/**
 * Trying things out from the console: a provider key's test, an MCP server's connection test
 * (both with the stored secrets, which never leave the server), and the playground. All three
 * reach upstreams with the organisation's secrets, so they need a role that may change the
 * organisation (manager or admin); members only read.
 */
export function tryOutRoutes(rt: GatewayRuntime) {
  return async (app: FastifyInstance): Promise<void> => {
    const { db } = rt.deps.store;
    const testKey = createProviderKeyTester({ providers: providerRepo(db), providerKeys: providerKeyRepo(db), vault: rt.deps.vault, upstream: rt.upstream });
    const testMcp = createMcpServerTester({ orgRoutes: rt.deps.orgRoutes, allowPrivate: rt.deps.config.ODOCK_ALLOW_PRIVATE_UPSTREAMS });
    const keys = apiKeyRepo(db);

    type KeyParams = { orgId: string; providerId: string; keyId: string };
    app.post<{ Params: KeyParams }>('/organisations/:orgId/providers/:providerId/keys/:keyId/test', {
      config: { summary: 'Test a provider key (lists the upstream\'s models; no tokens spent)', responseSchema: KeyTestResult },
    }, async (req) => {
      const { orgId, providerId, keyId } = req.params;
      await requireOrg(req, orgId, 'write');
      return testKey(orgId, providerId, keyId);
    });

    app.post<{ Params: { orgId: string; serverId: string } }>('/organisations/:orgId/mcp-servers/:serverId/test', {
      config: { summary: 'Test an MCP server connection and discover its tools', responseSchema: McpTestResult },
    }, async (req) => {
      const { orgId, serverId } = req.params;
      await requireOrg(req, orgId, 'write');
      return testMcp(orgId, serverId);
    });

    // The playground acts as a key record (the console never holds a secret after reveal) and
    // runs the very call path of /v1/chat/completions: grant, policies, upstream, usage record.
    app.post<{ Params: { orgId: string } }>('/organisations/:orgId/playground/chat', {
      config: { bodySchema: Chat, summary: 'Chat through the gateway as one of the organisation\'s API keys (OpenAI chat completion, JSON or SSE)' },
    }, async (req, reply) => {
      const { orgId } = req.params;
      await requireOrg(req, orgId, 'write');
      const body = parseBody(Chat, req.body);
      const key = await keys.find(orgId, body.apiKeyId);
      if (!key) throw new GatewayError('invalid_request', 'apiKeyId does not name an API key of this organisation', { field: 'apiKeyId' });
      req.gatewayAuth = { auth: await rt.deps.keyLookup.authenticateHash(key.key_hash), rawKey: '' };
      const stream = body.stream === true;
      const chat: Record<string, unknown> = { model: body.model, messages: body.messages, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) };
      if (body.maxTokens !== undefined) chat.max_tokens = body.maxTokens;
      await runGatewayCall(rt, req, reply, { ...gatewayRequest('openai-chat', 'admin', chat, { model: body.model, stream, includeUsage: stream }), usageSurface: 'playground' });
    });
  };
}
