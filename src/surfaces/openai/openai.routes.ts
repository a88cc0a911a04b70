import type { FastifyInstance } from 'fastify';
import { extractCredential } from '../../auth/credentials.ts';
import { runGatewayCall, type GatewayRuntime } from '../../gateway/gateway-call.ts';
import { gatewayAuthHook } from '../../gateway/gateway-auth.ts';
import { scopesOf } from '../../gateway/policy-gate.ts';
import { gatewayRequest, objectBody, type GatewayRequest } from '../../gateway/gateway-request.ts';
import { planRequest, refusalError } from '../../policy/request-plan.ts';
import type { ResponseItemStore } from './response-items.ts';

/** Chat completions, from its parsed body (shared by the Fastify route and the node:http front). */
export function chatRequest(body: Record<string, unknown>): GatewayRequest {
  const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  return gatewayRequest('openai-chat', 'openai', body, { model: body.model, stream: body.stream === true, includeUsage });
}

export function embeddingsRequest(body: Record<string, unknown>): GatewayRequest {
  return gatewayRequest('openai-embeddings', 'openai', body, { model: body.model, stream: false, encodingFormat: body.encoding_format });
}

/** Responses: earlier output items may be referred to by id; they are resolved once the key is known. */
export function responsesRequest(items: ResponseItemStore, body: Record<string, unknown>): GatewayRequest {
  const onOutputItems: NonNullable<GatewayRequest['hooks']>['onOutputItems'] = (auth, output) => items.remember(auth.keyId, output);
  const parse = (b: Record<string, unknown>, hooks: GatewayRequest['hooks']) =>
    gatewayRequest('openai-responses', 'openai', b, { model: body.model, stream: body.stream === true, hooks });
  const request: GatewayRequest = parse(body, {
    async prepare(auth) {
      const resolved = await items.resolve(auth.keyId, body);
      // The items stand in the input now: the token estimate is taken again from them.
      return resolved === body ? request : parse(resolved, { onOutputItems });
    },
    onOutputItems,
  });
  return request;
}

/** The /v1 route group of the OpenAI-compatible surface: chat completions, responses, embeddings, models. */
export function openaiRoutes(rt: GatewayRuntime) {
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', gatewayAuthHook(rt.deps, { gemini: false }));

    app.post('/chat/completions', { config: { surface: 'openai', gatewaySurface: 'openai-chat' } }, async (req, reply) => {
      await runGatewayCall(rt, req, reply, chatRequest(objectBody(req.body)));
    });
    app.post('/embeddings', { config: { surface: 'openai', gatewaySurface: 'openai-embeddings' } }, async (req, reply) => {
      await runGatewayCall(rt, req, reply, embeddingsRequest(objectBody(req.body)));
    });
    app.post('/responses', { config: { surface: 'openai', gatewaySurface: 'openai-responses' } }, async (req, reply) => {
      await runGatewayCall(rt, req, reply, responsesRequest(rt.deps.responseItems, objectBody(req.body)));
    });

    // Only the models this key may call, and only from where the key may be used.
    app.get('/models', { config: { surface: 'openai' } }, async (req) => {
      const { deps } = rt;
      const auth = req.gatewayAuth?.auth ?? await deps.keyLookup.authenticate(extractCredential(req.headers, req.query, false));
      // The IP allow/block lists of the key's stack (no counters: listing models is not a call).
      const plan = planRequest(scopesOf(auth, undefined), { clientIp: deps.clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']) }, 0);
      if (plan.refusal) {
        deps.metrics.policyRefusal(plan.refusal.code, plan.refusal.scope);
        throw refusalError(plan.refusal);
      }
      const table = await deps.orgRoutes.get(auth.orgId);
      const data = [];
      for (const m of table.models.values()) {
        if (auth.modelIdSet.has(m.modelId)) data.push({ id: m.name, object: 'model', created: 0, owned_by: m.provider.type.toLowerCase() });
      }
      return { object: 'list', data };
    });
  };
}
