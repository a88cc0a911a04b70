import { argumentPieces, FAKE_REPLY, FAKE_WORDS, header, startFake, type FakeUpstream, type RecordedRequest, type ReplyPlan, type SseEvent } from './fake-server.ts';

/**
 * A fake OpenAI-compatible upstream: Chat Completions (JSON, and SSE with
 * stream_options.include_usage), Embeddings and GET /models, on the OpenAI paths (`url` ends in
 * /v1) and on Azure's deployment paths (`/openai/deployments/{d}/…?api-version=…`, key in
 * `api-key`; configure `origin` as the Azure baseUrl). Flavour 'mistral' behaves like Mistral:
 * unknown fields such as stream_options are a 422, and usage rides on the finish chunk.
 */
export { FAKE_REPLY };
export type { Behaviour, RecordedRequest } from './fake-server.ts';
export type FakeOpenAI = FakeUpstream;

export const FAKE_USAGE = { prompt_tokens: 11, completion_tokens: 6, total_tokens: 17, prompt_tokens_details: { cached_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 2 } };

const MISTRAL_FIELDS = new Set([
  'model', 'messages', 'temperature', 'top_p', 'max_tokens', 'stream', 'stop', 'random_seed', 'response_format', 'tools', 'tool_choice',
  'presence_penalty', 'frequency_penalty', 'n', 'parallel_tool_calls', 'prediction', 'safe_prompt',
]);

function chunk(model: string, delta: object, finish: string | null = null, usage?: object, emptyChoices = false) {
  return JSON.stringify({
    id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model, system_fingerprint: 'fp_fake',
    choices: emptyChoices ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(usage ? { usage } : {}),
  });
}

/** The SSE data payloads of a normal streamed answer (kept for tests that build their own streams). */
export function streamEvents(model: string, includeUsage: boolean): string[] {
  return events({ model, text: FAKE_REPLY, words: FAKE_WORDS, toolCalls: [] }, includeUsage, false);
}

function events(p: ReplyPlan, includeUsage: boolean, usageOnFinish: boolean): string[] {
  const usage = p.usage ?? FAKE_USAGE;
  const ev = [chunk(p.model, { role: 'assistant', content: '', refusal: null })];
  for (const w of p.words) ev.push(chunk(p.model, { content: w }));
  p.toolCalls.forEach((c, index) => {
    ev.push(chunk(p.model, { tool_calls: [{ index, id: c.id ?? `call_fake${index}`, type: 'function', function: { name: c.name, arguments: '' } }] }));
    for (const piece of argumentPieces(c.arguments)) ev.push(chunk(p.model, { tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  const finish = p.finish ?? (p.toolCalls.length ? 'tool_calls' : 'stop');
  ev.push(chunk(p.model, {}, finish, usageOnFinish ? usage : undefined));
  if (includeUsage && !usageOnFinish) ev.push(chunk(p.model, {}, null, usage, true));
  ev.push('[DONE]');
  return ev;
}

function completion(p: ReplyPlan) {
  const message: Record<string, unknown> = { role: 'assistant', content: p.toolCalls.length && !p.text ? null : p.text, refusal: null, annotations: [] };
  if (p.toolCalls.length) {
    message.tool_calls = p.toolCalls.map((c, i) => ({ id: c.id ?? `call_fake${i}`, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } }));
  }
  return {
    id: 'chatcmpl-fake', object: 'chat.completion', created: 1_700_000_000, model: p.model, system_fingerprint: 'fp_fake',
    choices: [{ index: 0, message, logprobs: null, finish_reason: p.finish ?? (p.toolCalls.length ? 'tool_calls' : 'stop') }],
    usage: p.usage ?? FAKE_USAGE,
  };
}

function openAIError(status: number) {
  const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message: `fake failure ${status}`, type, param: null, code: null } };
}

const isAzure = (r: RecordedRequest) => r.pathname.startsWith('/openai/');

export async function startFakeOpenAI(opts: { apiKey: string; flavour?: 'openai' | 'mistral' }): Promise<FakeOpenAI> {
  const mistral = opts.flavour === 'mistral';
  return startFake({
    name: 'OpenAI',
    basePath: '/v1',
    modelOf: (r) => (typeof r.body?.model === 'string' ? r.body.model : /\/deployments\/([^/]+)\//.exec(r.pathname)?.[1] ?? 'unknown'),
    errorBody: openAIError,
    checkAuth(r) {
      if (isAzure(r)) {
        if (header(r, 'api-key') === opts.apiKey) {
          if (r.query['api-version'] !== undefined || r.pathname.startsWith('/openai/v1/')) return null;
          return { status: 404, body: { error: { code: '404', message: 'Resource not found' } } };
        }
        return { status: 401, body: { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } } };
      }
      if (header(r, 'authorization') === `Bearer ${opts.apiKey}`) return null;
      if (mistral) return { status: 401, body: { message: 'Unauthorized', request_id: 'fake' } };
      return { status: 401, body: { error: { message: `Incorrect API key provided: ${String(header(r, 'authorization') ?? '').slice(7, 10)}****. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } };
    },
    handle(r, p) {
      const path = r.pathname;
      if (r.method === 'GET' && path.endsWith('/models')) return { json: { object: 'list', data: [{ id: 'gpt-4.1-mini', object: 'model', created: 1_700_000_000, owned_by: 'openai' }] } };
      if (path.endsWith('/embeddings')) {
        const inputs = Array.isArray(r.body.input) ? r.body.input : [r.body.input];
        return { json: { object: 'list', model: p.model, data: inputs.map((_: unknown, i: number) => ({ object: 'embedding', index: i, embedding: [0.1, 0.2, 0.3] })), usage: { prompt_tokens: 5 * inputs.length, total_tokens: 5 * inputs.length } } };
      }
      if (!path.endsWith('/chat/completions')) return { json: { error: { message: 'Not found', type: 'invalid_request_error', param: null, code: 'unknown_url' } }, status: 404 };
      if (mistral) {
        const extra = Object.keys(r.body ?? {}).find((k) => !MISTRAL_FIELDS.has(k));
        if (extra) return { json: { object: 'error', message: { detail: [{ type: 'extra_forbidden', loc: ['body', extra], msg: 'Extra inputs are not permitted', input: r.body[extra] }] }, type: 'invalid_request_message_error', param: null, code: null }, status: 422 };
      }
      if (!r.body?.stream) return { json: completion(p) };
      const sse: SseEvent[] = events(p, r.body.stream_options?.include_usage === true, mistral).map((data) => ({ data }));
      return { sse, errorEvent: { data: JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } }) } };
    },
  });
}
