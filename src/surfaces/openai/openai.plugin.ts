import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors/index.ts';
import { extractCredential } from '../../auth/credentials.ts';
import { runGatewayCall, type GatewayRuntime } from '../gateway-call.ts';
import type { Surface } from '../../providers/contract.ts';
import type { ErrorSurface } from '../../errors/index.ts';

function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new GatewayError('invalid_request_body', 'Request body must be a JSON object');
  return body as Record<string, unknown>;
}

/** The /v1 route group: OpenAI-compatible and Anthropic-compatible surfaces. */
export function openaiRoutes(rt: GatewayRuntime) {
  return async (app: FastifyInstance) => {
    const route = (path: string, surface: Surface, errorSurface: ErrorSurface) => {
      app.post(path, { config: { surface: errorSurface } }, async (req, reply) => {
        const body = objectBody(req.body);
        const stream = surface !== 'openai-embeddings' && body.stream === true;
        await runGatewayCall(rt, req, reply, { surface, errorSurface, body, model: body.model, stream });
      });
    };
    route('/chat/completions', 'openai-chat', 'openai');
    route('/embeddings', 'openai-embeddings', 'openai');
    route('/responses', 'openai-responses', 'openai');
    route('/messages', 'anthropic-messages', 'anthropic');

    // Only the models this key may call.
    app.get('/models', { config: { surface: 'openai' } }, async (req) => {
      const auth = await rt.deps.keyLookup.authenticate(extractCredential(req.headers, req.query, false));
      const table = await rt.deps.orgRoutes.get(auth.orgId);
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
    app.post('/models/*', { config: { surface: 'gemini' } }, async (req, reply) => {
      const target = (req.params as { '*': string })['*'];
      const m = /^(.+):(generateContent|streamGenerateContent)$/.exec(target);
      if (!m) throw new GatewayError('invalid_request', 'Expected models/{model}:generateContent or :streamGenerateContent');
      const body = objectBody(req.body);
      const stream = m[2] === 'streamGenerateContent';
      const alt = (req.query as Record<string, unknown>).alt;
      await runGatewayCall(rt, req, reply, {
        surface: 'gemini-generate', errorSurface: 'gemini', body, model: decodeURIComponent(m[1]), stream, gemini: true, jsonArray: stream && alt !== 'sse',
      });
    });
  };
}
