import type { FastifyInstance } from 'fastify';
import { runGatewayCall, type GatewayRuntime } from '../../gateway/gateway-call.ts';
import { gatewayAuthHook } from '../../gateway/gateway-auth.ts';
import { gatewayRequest, objectBody, type GatewayRequest } from '../../gateway/gateway-request.ts';

export function messagesRequest(body: Record<string, unknown>): GatewayRequest {
  return gatewayRequest('anthropic-messages', 'anthropic', body, { model: body.model, stream: body.stream === true });
}

/** The /v1 route group of the Anthropic-compatible surface: Messages. */
export function anthropicRoutes(rt: GatewayRuntime) {
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', gatewayAuthHook(rt.deps, { gemini: false }));
    app.post('/messages', { config: { surface: 'anthropic', gatewaySurface: 'anthropic-messages' } }, async (req, reply) => {
      await runGatewayCall(rt, req, reply, messagesRequest(objectBody(req.body)));
    });
  };
}
