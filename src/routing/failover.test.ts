import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../errors/index.ts';
import { backoffMs, classifyFailure, cooldownMs, coolsDown, shouldFailOver } from './failover.ts';

describe('failover rules', () => {
  it('classifies upstream answers and transport failures', () => {
    assert.equal(classifyFailure(new GatewayError('upstream_error', 'x'), 500), 'SERVER_ERROR');
    assert.equal(classifyFailure(new GatewayError('upstream_error', 'x'), 503), 'SERVER_ERROR');
    assert.equal(classifyFailure(new GatewayError('upstream_rate_limited', 'x'), 429), 'RATE_LIMIT');
    assert.equal(classifyFailure(new GatewayError('upstream_timeout', 'x'), undefined), 'TIMEOUT');
    assert.equal(classifyFailure(new GatewayError('upstream_timeout', 'x'), 504), 'TIMEOUT');
    assert.equal(classifyFailure(new GatewayError('upstream_error', 'refused'), undefined), 'SERVER_ERROR');
    assert.equal(classifyFailure(new GatewayError('invalid_request', 'x'), 400), 'OTHER');
    assert.equal(classifyFailure(new GatewayError('upstream_error', 'bad key'), 401), 'OTHER');
  });

  it('fails over on what failoverOn lists; ANY covers request errors too', () => {
    assert.equal(shouldFailOver('SERVER_ERROR', ['SERVER_ERROR']), true);
    assert.equal(shouldFailOver('RATE_LIMIT', ['SERVER_ERROR', 'TIMEOUT']), false);
    assert.equal(shouldFailOver('OTHER', ['SERVER_ERROR', 'TIMEOUT', 'RATE_LIMIT']), false);
    assert.equal(shouldFailOver('OTHER', ['ANY']), true);
    assert.equal(coolsDown('OTHER'), false);
    assert.equal(coolsDown('RATE_LIMIT'), true);
  });

  it('rests for Retry-After (seconds or date), else the default, at most an hour', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(cooldownMs('7', 30_000, now), 7000);
    assert.equal(cooldownMs(undefined, 30_000, now), 30_000);
    assert.equal(cooldownMs('Thu, 01 Jan 2026 00:00:10 GMT', 30_000, now), 10_000);
    assert.equal(cooldownMs('999999', 30_000, now), 3_600_000);
    assert.equal(cooldownMs('soon', 30_000, now), 30_000);
  });

  it('backs off exponentially from retryDelayMs', () => {
    assert.deepEqual([1, 2, 3].map((n) => backoffMs(100, n)), [100, 200, 400]);
    assert.equal(backoffMs(0, 3), 0);
    assert.equal(backoffMs(20_000, 5), 30_000);
  });
});
