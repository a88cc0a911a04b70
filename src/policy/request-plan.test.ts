import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planRequest, type PolicyScope } from './request-plan.ts';

const scopes = (policies: unknown): PolicyScope[] => [{ scope: 'key', id: 'k1', policies }];

describe('planRequest: the tokens-per-minute reservation is the output budget sent upstream', () => {
  const tpm = { ratelimit: { tokens: { per_minute: 100_000 } } };
  it('the client budget, else the cap, else the translation default, else the engine default', () => {
    assert.equal(planRequest(scopes(tpm), { inputTokens: 10, maxTokens: 50, defaultOutputTokens: 4096 }, 7).reserve, 60);
    const capped = { ratelimit: { ...tpm.ratelimit, payload: { max_tokens: 300 } } };
    assert.equal(planRequest(scopes(capped), { inputTokens: 10, defaultOutputTokens: 4096 }, 7).reserve, 310);
    assert.equal(planRequest(scopes(tpm), { inputTokens: 10, defaultOutputTokens: 4096 }, 7).reserve, 4106);
    assert.equal(planRequest(scopes(tpm), { inputTokens: 10 }, 7).reserve, 17);
  });
  it('a reservation larger than the limit is refused at once', () => {
    const plan = planRequest(scopes({ ratelimit: { tokens: { per_minute: 1000 } } }), { inputTokens: 10, defaultOutputTokens: 4096 }, 0);
    assert.equal(plan.refusal?.code, 'tpm_exceeded');
  });
});
