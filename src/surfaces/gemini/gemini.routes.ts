import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors/index.ts';
import { runGatewayCall, type GatewayRuntime } from '../../gateway/gateway-call.ts';
import { gatewayAuthHook } from '../../gateway/gateway-auth.ts';
import { gatewayRequest, objectBody, type GatewayRequest } from '../../gateway/gateway-request.ts';

/** `models/{model}:generateContent|streamGenerateContent` (the path after `models/`, decoded once) and its body. */
export function generateRequest(target: string, body: unknown, alt: unknown): GatewayRequest {
  const m = /^(.+):(generateContent|streamGenerateContent)$/.exec(target);
  if (!m) throw new GatewayError('invalid_request', 'Expected models/{model}:generateContent or :streamGenerateContent');
  const stream = m[2] === 'streamGenerateContent';
  return gatewayRequest('gemini-generate', 'gemini', objectBody(body), { model: m[1], stream, queryKey: true, jsonArray: stream && alt !== 'sse' });
}

/** The /v1beta route group of the Gemini-compatible surface: generateContent and streamGenerateContent. */
export function geminiRoutes(rt: GatewayRuntime) {
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', gatewayAuthHook(rt.deps, { gemini: true }));
    app.post('/models/*', { config: { surface: 'gemini', gatewaySurface: 'gemini-generate' } }, async (req, reply) => {
      // The router has percent-decoded the path once already: decoding again would turn `%25` into a stray `%`.
      const target = (req.params as { '*': string })['*'];
      await runGatewayCall(rt, req, reply, generateRequest(target, req.body, (req.query as Record<string, unknown>).alt));
    });
  };
}
