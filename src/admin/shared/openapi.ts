import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';
import { describeRoute, RESOURCE_SCHEMAS } from './openapi-responses.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Admin routes: a summary for the OpenAPI document when the path does not say it well. */
    summary?: string;
    /** Admin routes: what a success answers, when the resource table cannot tell (openapi-responses.ts). */
    responseSchema?: import('zod').ZodType;
  }
}

/**
 * The OpenAPI document is built from the routes actually registered on /api, so it cannot
 * drift from them: every method and path, its path parameters, and the shared error shape.
 */
interface DocRoute {
  method: string;
  url: string;
  body?: z.ZodType;
  query?: z.ZodType;
  summary?: string;
  response?: z.ZodType;
}

export function collectRoutes(app: FastifyInstance): DocRoute[] {
  const routes: DocRoute[] = [];
  app.addHook('onRoute', (r: RouteOptions) => {
    const cfg = (r.config ?? {}) as { bodySchema?: z.ZodType; querySchema?: z.ZodType; summary?: string; responseSchema?: z.ZodType };
    for (const m of [r.method].flat()) {
      if (m !== 'HEAD') routes.push({ method: m.toLowerCase(), url: r.url, body: cfg.bodySchema, query: cfg.querySchema, summary: cfg.summary, response: cfg.responseSchema });
    }
  });
  return routes;
}

/** JSON Schema of what a route accepts (zod's input side: defaults optional, transforms ignored). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  try {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  } catch {
    return { type: 'object' };
  }
}

function queryParameters(schema: z.ZodType) {
  const js = jsonSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: js.required?.includes(name) ?? false, schema: s }));
}

export function openapiRoutes(routes: DocRoute[]) {
  return async (app: FastifyInstance) => {
    app.get('/openapi.json', async () => document(routes));
  };
}

function document(routes: DocRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, url, body, query, summary, response } of routes) {
    const path = url.replace(/:(\w+)/g, '{$1}');
    const params = [...url.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const tag = (/^\/api\/(?:organisations\/\{orgId\}\/)?([\w-]+)/.exec(path)?.[1]) ?? 'misc';
    const doc = describeRoute(method, path);
    const schema = response ? jsonSchema(response, 'output') : doc.schema;
    paths[path] ??= {};
    paths[path][method] = {
      summary: summary ?? doc.summary,
      tags: [tag],
      operationId: `${method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(\w)?/g, (_s, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: [
        ...params,
        ...(query ? queryParameters(query) : []),
        ...(method === 'get' && !query && !params.some((p) => p.name.endsWith('Id') && path.endsWith(`{${p.name}}`))
          ? [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } }, { name: 'cursor', in: 'query', schema: { type: 'string' } }]
          : []),
      ],
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(body) } } } } : {}),
      responses: {
        [doc.status]: doc.status === '204'
          ? { description: 'No content' }
          : { description: doc.status === '201' ? 'Created' : 'OK', content: { 'application/json': { schema: schema ?? { type: 'object' } } } },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Odock admin API', version: '0.1.0', description: 'Organisation-scoped administration of providers, models, virtual API keys, grants, MCP servers and usage.' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'odock_session' },
        operatorToken: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        ...RESOURCE_SCHEMAS,
        Error: { type: 'object', properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } } } },
      },
    },
    security: [{ session: [] }, { operatorToken: [] }],
    paths,
  };
}
