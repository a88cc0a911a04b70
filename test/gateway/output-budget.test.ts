// The payload.max_tokens policy caps the output budget the gateway actually sends upstream, whatever
// the ingress surface, the spelling the client used and the provider family serving the model.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOdock, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { startFakeOpenAI } from '../fakes/fake-openai.ts';
import { startFakeAnthropic } from '../fakes/fake-anthropic.ts';
import { startFakeGemini } from '../fakes/fake-gemini.ts';
import type { FakeUpstream } from '../fakes/fake-server.ts';

const KEYS = { openai: 'sk-oa-budget-0001', anthropic: 'sk-ant-budget-0001', gemini: 'AIza-gemini-budget-0001' };
const MODELS = { openai: 'oa-budget', anthropic: 'claude-budget', gemini: 'gemini-budget' } as const;
type Family = keyof typeof MODELS;
const FAMILIES: Family[] = ['openai', 'anthropic', 'gemini'];
/** Key policy 100 everywhere; the OpenAI model's own policy is smaller (80), the others larger (150). */
const KEY_CAP = 100;
const MODEL_CAP: Record<Family, number> = { openai: 80, anthropic: 150, gemini: 150 };
const CAP: Record<Family, number> = { openai: 80, anthropic: 100, gemini: 100 };

type Surface = 'chat' | 'responses' | 'anthropic' | 'gemini';
const SURFACES: Surface[] = ['chat', 'responses', 'anthropic', 'gemini'];
/** Every spelling of the output budget each surface accepts, as a body fragment. */
const SPELLINGS: Record<Surface, Array<[string, (v: unknown) => Record<string, unknown>]>> = {
  chat: [['max_tokens', (v) => ({ max_tokens: v })], ['max_completion_tokens', (v) => ({ max_completion_tokens: v })]],
  responses: [['max_output_tokens', (v) => ({ max_output_tokens: v })]],
  anthropic: [['max_tokens', (v) => ({ max_tokens: v })]],
  gemini: [
    ['generationConfig.maxOutputTokens', (v) => ({ generationConfig: { maxOutputTokens: v } })],
    ['generation_config.max_output_tokens', (v) => ({ generation_config: { max_output_tokens: v } })],
    ['generationConfig.max_output_tokens', (v) => ({ generationConfig: { max_output_tokens: v } })],
    ['generation_config.maxOutputTokens', (v) => ({ generation_config: { maxOutputTokens: v } })],
  ],
};

interface Answer {
  status: number;
  code: string | undefined;
  scope: string | undefined;
  limit: number | undefined;
  body: any;
}

/** The refusal code, scope and limit, wherever each surface's error format puts them. */
function answer(surface: Surface, status: number, body: any): Answer {
  if (surface === 'gemini') {
    const d = body?.error?.details?.[0];
    return { status, body, code: d?.reason, scope: d?.metadata?.scope, limit: d?.metadata?.limit === undefined ? undefined : Number(d.metadata.limit) };
  }
  return { status, body, code: body?.error?.code, scope: body?.error?.scope, limit: body?.error?.limit };
}

async function call(o: TestOdock, surface: Surface, key: string, model: string, extra: Record<string, unknown>): Promise<Answer> {
  let url: string;
  let headers: Record<string, string>;
  let body: Record<string, unknown>;
  switch (surface) {
    case 'chat':
      url = `${o.url}/v1/chat/completions`;
      headers = { authorization: `Bearer ${key}` };
      body = { model, messages: [{ role: 'user', content: 'hi' }], ...extra };
      break;
    case 'responses':
      url = `${o.url}/v1/responses`;
      headers = { authorization: `Bearer ${key}` };
      body = { model, input: 'hi', ...extra };
      break;
    case 'anthropic':
      url = `${o.url}/v1/messages`;
      headers = { 'x-api-key': key, 'anthropic-version': '2023-06-01' };
      body = { model, messages: [{ role: 'user', content: 'hi' }], ...extra };
      break;
    case 'gemini':
      url = `${o.url}/v1beta/models/${model}:generateContent`;
      headers = { 'x-goog-api-key': key };
      body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], ...extra };
      break;
  }
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await r.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return answer(surface, r.status, json);
}

/** The output-budget fields of the body an upstream received, in its own format. */
function upstreamBudget(family: Family, body: any): Record<string, number> {
  const out: Record<string, number> = {};
  const take = (name: string, v: unknown) => {
    if (v !== undefined && v !== null) out[name] = v as number;
  };
  if (family === 'openai') {
    take('max_tokens', body.max_tokens);
    take('max_completion_tokens', body.max_completion_tokens);
  } else if (family === 'anthropic') {
    take('max_tokens', body.max_tokens);
  } else {
    for (const c of ['generationConfig', 'generation_config']) {
      for (const f of ['maxOutputTokens', 'max_output_tokens']) take(`${c}.${f}`, body[c]?.[f]);
    }
  }
  return out;
}

describe('payload.max_tokens caps the output budget sent upstream (every surface × spelling × family)', () => {
  let o: TestOdock;
  const fakes = {} as Record<Family, FakeUpstream>;
  const setups = {} as Record<Family, SetupResult>;

  before(async () => {
    fakes.openai = await startFakeOpenAI({ apiKey: KEYS.openai });
    fakes.anthropic = await startFakeAnthropic({ apiKey: KEYS.anthropic });
    fakes.gemini = await startFakeGemini({ apiKey: KEYS.gemini });
    o = await startOdock();
    const keyBody = { policies: { ratelimit: { payload: { max_tokens: KEY_CAP } } } };
    setups.openai = await setupKey(o, { providerType: 'OPENAI', baseUrl: fakes.openai.url, providerKey: KEYS.openai, models: { [MODELS.openai]: { slug: 'gpt-4.1-mini' } }, keyBody });
    const shared = { client: setups.openai.client, orgId: setups.openai.orgId, keyBody };
    setups.anthropic = await setupKey(o, { ...shared, providerType: 'ANTHROPIC', baseUrl: fakes.anthropic.url, providerKey: KEYS.anthropic, models: { [MODELS.anthropic]: { slug: 'claude-sonnet-4-5' } } });
    setups.gemini = await setupKey(o, { ...shared, providerType: 'GOOGLE', baseUrl: fakes.gemini.url, providerKey: KEYS.gemini, models: { [MODELS.gemini]: { slug: 'gemini-2.5-flash' } } });
    for (const f of FAMILIES) {
      await setups.openai.client.ok('PATCH', `/api/organisations/${setups.openai.orgId}/models/${setups[f].modelIds[MODELS[f]]}`, { policies: { ratelimit: { payload: { max_tokens: MODEL_CAP[f] } } } });
    }
  });
  after(async () => {
    await o?.close();
    for (const f of Object.values(fakes)) await f?.close();
  });

  for (const surface of SURFACES) {
    for (const family of FAMILIES) {
      it(`${surface} → ${family}: no budget given → the smallest cap goes upstream in the target format's field`, async () => {
        const before = fakes[family].requests.length;
        const r = await call(o, surface, setups[family].secret, MODELS[family], surface === 'gemini' ? { generationConfig: { temperature: 0.5 } } : {});
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(fakes[family].requests.length, before + 1);
        const expected = family === 'openai' ? { max_completion_tokens: CAP.openai } : family === 'anthropic' ? { max_tokens: CAP.anthropic } : { 'generationConfig.maxOutputTokens': CAP.gemini };
        assert.deepEqual(upstreamBudget(family, fakes[family].last().body), expected);
      });

      for (const [spelling, make] of SPELLINGS[surface]) {
        it(`${surface} → ${family}: ${spelling} within the cap goes up as sent; above it is refused before the upstream`, async () => {
          const before = fakes[family].requests.length;
          const ok = await call(o, surface, setups[family].secret, MODELS[family], make(CAP[family] - 1));
          assert.equal(ok.status, 200, JSON.stringify(ok.body));
          const sent = upstreamBudget(family, fakes[family].last().body);
          assert.deepEqual(Object.values(sent), [CAP[family] - 1], JSON.stringify(sent));

          const over = await call(o, surface, setups[family].secret, MODELS[family], make(CAP[family] + 1));
          assert.equal(over.status, 429, JSON.stringify(over.body));
          assert.equal(over.code, 'max_tokens_exceeded');
          assert.equal(over.scope, family === 'openai' ? 'model' : 'key');
          assert.equal(over.limit, CAP[family]);
          assert.equal(fakes[family].requests.length, before + 1, 'the refused call never reached the upstream');
        });

        it(`${surface} → ${family}: ${spelling} as a string, negative, fractional or non-number → 400 invalid_request_body`, async () => {
          const before = fakes[family].requests.length;
          for (const bad of ['5000', '50', -1, 12.5, true, { n: 1 }, [5]]) {
            const r = await call(o, surface, setups[family].secret, MODELS[family], make(bad));
            assert.equal(r.status, 400, `${JSON.stringify(bad)}: ${JSON.stringify(r.body)}`);
            assert.equal(r.code, 'invalid_request_body', JSON.stringify(bad));
          }
          assert.equal(fakes[family].requests.length, before, 'nothing reached the upstream');
        });
      }
    }
  }

  it('several spellings at once: the largest one is checked', async () => {
    const cases: Array<[Surface, Family, Record<string, unknown>]> = [
      ['chat', 'openai', { max_tokens: 10, max_completion_tokens: 5000 }],
      ['chat', 'anthropic', { max_completion_tokens: 10, max_tokens: 5000 }],
      ['gemini', 'gemini', { generationConfig: { maxOutputTokens: 10 }, generation_config: { max_output_tokens: 5000 } }],
      ['gemini', 'anthropic', { generationConfig: { maxOutputTokens: 10, max_output_tokens: 5000 } }],
    ];
    for (const [surface, family, extra] of cases) {
      const r = await call(o, surface, setups[family].secret, MODELS[family], extra);
      assert.equal(r.status, 429, `${surface} → ${family} ${JSON.stringify(extra)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.code, 'max_tokens_exceeded');
    }
  });

  it('a translation default (Anthropic 4096, raised for a thinking budget) never exceeds the cap', async () => {
    for (const extra of [{}, { reasoning_effort: 'high' }]) {
      const r = await call(o, 'chat', setups.anthropic.secret, MODELS.anthropic, extra);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(fakes.anthropic.last().body.max_tokens, CAP.anthropic);
    }
  });
});

describe('the tokens-per-minute reservation uses the output budget sent upstream', () => {
  let o: TestOdock;
  let openai: FakeUpstream;
  let anthropic: FakeUpstream;
  let oa: SetupResult;
  let an: SetupResult;

  before(async () => {
    openai = await startFakeOpenAI({ apiKey: KEYS.openai });
    anthropic = await startFakeAnthropic({ apiKey: KEYS.anthropic });
    o = await startOdock();
    const keyBody = { policies: { ratelimit: { tokens: { per_minute: 1000 } } } };
    oa = await setupKey(o, { providerType: 'OPENAI', baseUrl: openai.url, providerKey: KEYS.openai, models: { [MODELS.openai]: { slug: 'gpt-4.1-mini' } }, keyBody });
    an = await setupKey(o, { client: oa.client, orgId: oa.orgId, keyBody, providerType: 'ANTHROPIC', baseUrl: anthropic.url, providerKey: KEYS.anthropic, models: { [MODELS.anthropic]: { slug: 'claude-sonnet-4-5' } } });
  });
  after(async () => {
    await o?.close();
    await openai?.close();
    await anthropic?.close();
  });

  it('the largest spelling is reserved, not the first one read', async () => {
    const r = await call(o, 'chat', oa.secret, MODELS.openai, { max_tokens: 5, max_completion_tokens: 5000 });
    assert.equal(r.status, 429, JSON.stringify(r.body));
    assert.equal(r.code, 'tpm_exceeded');
    assert.equal((await call(o, 'chat', oa.secret, MODELS.openai, { max_tokens: 5, max_completion_tokens: 50 })).status, 200);
  });

  it("the Anthropic translation's default max_tokens is reserved when the client sends none", async () => {
    const before = anthropic.requests.length;
    const r = await call(o, 'chat', an.secret, MODELS.anthropic, {});
    assert.equal(r.status, 429, JSON.stringify(r.body));
    assert.equal(r.code, 'tpm_exceeded');
    assert.equal(anthropic.requests.length, before);
    assert.equal((await call(o, 'chat', an.secret, MODELS.anthropic, { max_tokens: 100 })).status, 200);
    assert.equal(anthropic.last().body.max_tokens, 100);
  });
});
