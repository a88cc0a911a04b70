import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../errors/index.ts';
import { parsePolicies } from './policy.schema.ts';

const full = {
  ip: { allowlist: ['10.0.0.0/8', '2001:db8::/32'], blocklist: [] },
  ratelimit: {
    requests: { per_second: 5, per_minute: 100, burst: 10 },
    tokens: { per_minute: 50000 },
    concurrency: { max: 4, lease_ttl_seconds: 120 },
    payload: { max_request_bytes: 1048576, max_tokens: 4096 },
  },
};

function refusal(input: unknown): { field: unknown; message: string; status: number; code: string } {
  try {
    parsePolicies(input);
  } catch (e) {
    assert.ok(e instanceof GatewayError);
    return { field: e.extra.field, message: e.message, status: e.status, code: e.code };
  }
  assert.fail('expected a refusal');
}

describe('parsePolicies', () => {
  it('accepts the documented example and the empty object', () => {
    assert.deepEqual(parsePolicies(full), full);
    assert.deepEqual(parsePolicies({}), {});
    assert.deepEqual(parsePolicies({ ratelimit: { tokens: {} } }), { ratelimit: { tokens: {} } });
  });
  it('rejects unknown fields at any depth, naming the path', () => {
    for (const [input, field] of [
      [{ rate_limit: {} }, 'policies.rate_limit'],
      [{ ratelimit: { requests: { per_hour: 5 } } }, 'policies.ratelimit.requests.per_hour'],
      [{ ip: { allowlist: [], denylist: [] } }, 'policies.ip.denylist'],
      [{ ratelimit: { payload: { max_tokens: 5, max_bytes: 5 } } }, 'policies.ratelimit.payload.max_bytes'],
    ] as const) {
      const r = refusal(input);
      assert.equal(r.status, 400);
      assert.equal(r.code, 'invalid_request');
      assert.equal(r.field, field);
      assert.match(r.message, new RegExp(field.replace(/\./g, '\\.')));
    }
  });
  it('rejects bad values, naming the field', () => {
    assert.equal(refusal({ ratelimit: { requests: { per_minute: 0 } } }).field, 'policies.ratelimit.requests.per_minute');
    assert.equal(refusal({ ratelimit: { requests: { per_minute: 1.5 } } }).field, 'policies.ratelimit.requests.per_minute');
    assert.equal(refusal({ ratelimit: { requests: { per_minute: '100' } } }).field, 'policies.ratelimit.requests.per_minute');
    assert.equal(refusal({ ratelimit: { concurrency: { lease_ttl_seconds: 100_000 } } }).field, 'policies.ratelimit.concurrency.lease_ttl_seconds');
    assert.equal(refusal({ ratelimit: { tokens: { per_minute: null } } }).field, 'policies.ratelimit.tokens.per_minute');
    assert.equal(refusal({ ip: { allowlist: ['10.0.0.0/8', '10.0.0.0/40'] } }).field, 'policies.ip.allowlist.1');
    assert.equal(refusal({ ip: { blocklist: 'fd00::/8' } }).field, 'policies.ip.blocklist');
    assert.equal(refusal(null).field, 'policies');
    assert.equal(refusal([]).field, 'policies');
  });
});
