// One of three servers answering a fixed chat completion to a parsed JSON POST, no upstream: what the
// HTTP framework alone costs per request (bench/framework.ts drives them). FRAMEWORK=
//   http           node:http, the body read and JSON.parse'd by hand
//   fastify        Fastify 5 defaults, one route
//   fastify-odock  Fastify as src/app.ts sets it up for /v1: genReqId, three async onRequest hooks,
//                  the depth-bounded JSON parser, the onResponse log check
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { jsonDepthExceeds } from '../src/surfaces/json-body.ts';

const answer = JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1700000000, model: 'gpt-4.1-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the benchmark upstream.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
});
const kind = process.env.FRAMEWORK ?? 'http';
let port: number;
if (kind === 'http') {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      JSON.parse(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer), 'x-request-id': randomUUID() });
      res.end(answer);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
} else {
  const odock = kind === 'fastify-odock';
  const app = Fastify(odock ? { genReqId: () => randomUUID(), return503OnClosing: true, forceCloseConnections: 'idle' } : {});
  if (odock) {
    const parse = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      if (jsonDepthExceeds(body as string, 64)) return done(new Error('deep'), undefined);
      parse(req, body as string, done);
    });
    app.addHook('onRequest', async (req) => { if (req.url.startsWith('/api/')) throw new Error('no'); });
    app.addHook('onRequest', async (req, reply) => {
      reply.raw.setHeader('x-request-id', req.id);
      reply.raw.setHeader('x-content-type-options', 'nosniff');
    });
    app.addHook('onRequest', async (req) => { (req as unknown as { a: unknown }).a = req.headers.authorization; });
    app.addHook('onResponse', async () => {});
  }
  app.post('/v1/chat/completions', async (_req, reply) => {
    reply.type('application/json').send(answer);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
}
process.send?.({ port });
