import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors/index.ts';
import { extractCredential } from '../../auth/credentials.ts';
import { runGatewayCall, type GatewayRuntime } from '../gateway-call.ts';
import { gatewayAuthHook } from '../gateway-auth.ts';
import { scopesOf } from '../policy-gate.ts';
import { planRequest, refusalError } from '../../policy/request-plan.ts';
import type { Surface } from '../../providers/contract.ts';
import type { ErrorSurface } from '../../errors/index.ts';

function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new GatewayError('invalid_request_body', 'Request body must be a JSON object');
  return body as Record<string, unknown>;
}

/** The /v1 route group: OpenAI-compatible and Anthropic-compatible surfaces. */
export function openaiRoutes(rt: GatewayRuntime) {
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', gatewayAuthHook(rt.deps, { gemini: false }));
    const route = (path: string, surface: Surface, errorSurface: ErrorSurface) => {
      app.post(path, { config: { surface: errorSurface, gatewaySurface: surface } }, async (req, reply) => {
        const body = objectBody(req.body);
        const stream = surface !== 'openai-embeddings' && body.stream === true;
        await runGatewayCall(rt, req, reply, { surface, errorSurface, body, model: body.model, stream });
      });
    };
    route('/chat/completions', 'openai-chat', 'openai');
    route('/embeddings', 'openai-embeddings', 'openai');
    route('/responses', 'openai-responses', 'openai');
    route('/messages', 'anthropic-messages', 'anthropic');

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

/** The /v1beta route group: Gemini-compatible generateContent and streamGenerateContent. */
export function geminiRoutes(rt: GatewayRuntime) {
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', gatewayAuthHook(rt.deps, { gemini: true }));
    app.post('/models/*', { config: { surface: 'gemini', gatewaySurface: 'gemini-generate' } }, async (req, reply) => {
      // The router has percent-decoded the path once already: decoding again would turn `%25` into a stray `%`.
      const target = (req.params as { '*': string })['*'];
      const m = /^(.+):(generateContent|streamGenerateContent)$/.exec(target);
      if (!m) throw new GatewayError('invalid_request', 'Expected models/{model}:generateContent or :streamGenerateContent');
      const body = objectBody(req.body);
      const stream = m[2] === 'streamGenerateContent';
      const alt = (req.query as Record<string, unknown>).alt;
      await runGatewayCall(rt, req, reply, {
        surface: 'gemini-generate', errorSurface: 'gemini', body, model: m[1], stream, gemini: true, jsonArray: stream && alt !== 'sse',
      });
    });
  };
}
