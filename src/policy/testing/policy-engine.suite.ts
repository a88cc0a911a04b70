import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../errors/index.ts';
import { PolicyEngine } from '../policy-engine.ts';
import type { PolicyContext, PolicyScope } from '../request-plan.ts';
import { T0, fakeClock, type Clock, type SuiteTarget } from './limiter-store.suite.ts';

export async function refusal(p: Promise<unknown>, code: string): Promise<GatewayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof GatewayError, `expected a GatewayError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, the request passed`);
}

export const stack = (p: { org?: unknown; team?: unknown; key?: unknown; model?: unknown }): PolicyScope[] => [
  { scope: 'organisation', id: 'org1', policies: p.org ?? {} },
  { scope: 'team', id: 'team1', policies: p.team ?? {} },
  { scope: 'key', id: 'key1', policies: p.key ?? {} },
  { scope: 'model', id: 'model1', policies: p.model ?? {} },
];

/** The engine's behaviour, run on the in-process and on the Redis store (policy-engine.test.ts). */
export function runPolicyEngineSuite(name: string, make: (clock: Clock) => Promise<SuiteTarget>, opts: { skip?: string } = {}): void {
  describe(`PolicyEngine on ${name}`, { skip: opts.skip }, () => {
    let clock: Clock;
    let target: SuiteTarget;
    let engine: PolicyEngine;
    const refusals: string[] = [];
    beforeEach(async () => {
      clock = fakeClock(T0 + 1);
      target = await make(clock);
      refusals.length = 0;
      engine = new PolicyEngine({ store: target.store, renewLeases: false, onRefusal: (code, scope) => refusals.push(`${code}:${scope}`) });
    });
    afterEach(async () => {
      await engine.releaseAll();
      await target.cleanup?.();
    });
    const ctx: PolicyContext = { clientIp: '10.1.2.3', requestBytes: 100 };

    it('no policies: every request passes and nothing is counted', async () => {
      const h = await engine.check(stack({}), ctx);
      assert.equal(h.reservedTokens, 0);
      assert.equal(h.maxTokensCap, undefined);
      await h.complete({ inputTokens: 5, outputTokens: 5 });
    });

    it('ip_not_allowed (403) names the scope, IPv4 and IPv6', async () => {
      const scopes = stack({ org: { ip: { allowlist: ['10.0.0.0/8', '2001:db8::/32'] } }, model: { ip: { blocklist: ['2001:db8:bad::/48'] } } });
      await engine.check(scopes, { clientIp: '10.9.9.9' });
      await engine.check(scopes, { clientIp: '2001:db8:1::1' });
      const e = await refusal(engine.check(scopes, { clientIp: '192.0.2.1' }), 'ip_not_allowed');
      assert.equal(e.status, 403);
      assert.equal(e.extra.scope, 'organisation');
      const e6 = await refusal(engine.check(scopes, { clientIp: '2001:db8:bad::9' }), 'ip_not_allowed');
      assert.equal(e6.extra.scope, 'model');
      await refusal(engine.check(scopes, {}), 'ip_not_allowed');
      assert.deepEqual(refusals, ['ip_not_allowed:organisation', 'ip_not_allowed:model', 'ip_not_allowed:organisation']);
    });

    it('payload_too_large (413) with scope and limit', async () => {
      const scopes = stack({ team: { ratelimit: { payload: { max_request_bytes: 1000 } } } });
      await engine.check(scopes, { ...ctx, requestBytes: 1000 });
      const e = await refusal(engine.check(scopes, { ...ctx, requestBytes: 1001 }), 'payload_too_large');
      assert.equal(e.status, 413);
      assert.deepEqual(e.extra, { scope: 'team', limit: 1000 });
    });

    it('max_tokens_exceeded (429) with Retry-After; the smallest cap is reported to the gateway', async () => {
      const scopes = stack({ org: { ratelimit: { payload: { max_tokens: 4096 } } }, key: { ratelimit: { payload: { max_tokens: 1024 } } } });
      const h = await engine.check(scopes, { ...ctx, maxTokens: 1024 });
      assert.equal(h.maxTokensCap, 1024);
      const e = await refusal(engine.check(scopes, { ...ctx, maxTokens: 2000 }), 'max_tokens_exceeded');
      assert.equal(e.status, 429);
      assert.equal(e.extra.scope, 'key');
      assert.equal(e.extra.limit, 1024);
      assert.equal(e.headers['Retry-After'], String(e.extra.retry_after));
    });

    it('rps_exceeded (429): per second, with retry_after and Retry-After', async () => {
      const scopes = stack({ key: { ratelimit: { requests: { per_second: 2 } } } });
      await engine.check(scopes, ctx);
      await engine.check(scopes, ctx);
      const e = await refusal(engine.check(scopes, ctx), 'rps_exceeded');
      assert.equal(e.status, 429);
      // Sliding window: 1.5 s until the two requests weigh only one, rounded up to whole seconds.
      assert.deepEqual(e.extra, { scope: 'key', limit: 2, retry_after: 2 });
      assert.equal(e.headers['Retry-After'], '2');
      clock.advance(2000);
      await engine.check(scopes, ctx);
    });

    it('rpm_exceeded (429): per minute', async () => {
      const scopes = stack({ key: { ratelimit: { requests: { per_minute: 3 } } } });
      for (let i = 0; i < 3; i++) await engine.check(scopes, ctx);
      const e = await refusal(engine.check(scopes, ctx), 'rpm_exceeded');
      assert.equal(e.extra.limit, 3);
      assert.ok((e.extra.retry_after as number) >= 1 && (e.extra.retry_after as number) <= 120);
    });

    it('burst_exceeded (429): the burst passes at once, then the per-second rate refills it', async () => {
      const scopes = stack({ key: { ratelimit: { requests: { per_second: 1, burst: 3 } } } });
      for (let i = 0; i < 3; i++) await engine.check(scopes, ctx);
      const e = await refusal(engine.check(scopes, ctx), 'burst_exceeded');
      assert.deepEqual(e.extra, { scope: 'key', limit: 3, retry_after: 1 });
      clock.advance(1000);
      await engine.check(scopes, ctx);
      await refusal(engine.check(scopes, ctx), 'burst_exceeded');
    });

    it('tpm_exceeded (429): input estimate plus max_tokens is reserved, then reconciled with real usage', async () => {
      const scopes = stack({ key: { ratelimit: { tokens: { per_minute: 1000 } } } });
      const c = { ...ctx, inputTokens: 300, maxTokens: 200 };
      const h1 = await engine.check(scopes, c);
      assert.equal(h1.reservedTokens, 500);
      const h2 = await engine.check(scopes, c);
      const e = await refusal(engine.check(scopes, c), 'tpm_exceeded');
      assert.deepEqual([e.extra.scope, e.extra.limit], ['key', 1000]);
      // The first call used 100 tokens: 400 are refunded, so a reservation of 400 fits exactly.
      await h1.complete({ inputTokens: 80, outputTokens: 20 });
      const h3 = await engine.check(scopes, { ...ctx, inputTokens: 300, maxTokens: 100 });
      await refusal(engine.check(scopes, { ...ctx, inputTokens: 0, maxTokens: 1 }), 'tpm_exceeded');
      // A call that used more than it reserved is charged the difference (1000 + 400 now).
      await h2.complete({ totalTokens: 900 });
      await h3.complete({ totalTokens: 400 });
      await refusal(engine.check(scopes, { ...ctx, inputTokens: 0, maxTokens: 10 }), 'tpm_exceeded');
    });

    it('a reservation larger than the whole token limit is refused without touching counters', async () => {
      const scopes = stack({ org: { ratelimit: { tokens: { per_minute: 100 } } } });
      const e = await refusal(engine.check(scopes, { ...ctx, inputTokens: 90, maxTokens: 20 }), 'tpm_exceeded');
      assert.equal(e.extra.scope, 'organisation');
      await engine.check(scopes, { ...ctx, inputTokens: 90, maxTokens: 10 });
    });

    it('without max_tokens the policy cap is reserved', async () => {
      const scopes = stack({ key: { ratelimit: { tokens: { per_minute: 10_000 }, payload: { max_tokens: 500 } } } });
      const h = await engine.check(scopes, { ...ctx, inputTokens: 100 });
      assert.equal(h.reservedTokens, 600);
      await h.complete();
    });

    it('concurrency_exceeded (429): leases released on completion and on abort, once', async () => {
      const scopes = stack({ key: { ratelimit: { concurrency: { max: 2, lease_ttl_seconds: 60 } } } });
      const a = await engine.check(scopes, ctx);
      const b = await engine.check(scopes, ctx);
      const e = await refusal(engine.check(scopes, ctx), 'concurrency_exceeded');
      assert.deepEqual(e.extra, { scope: 'key', limit: 2, retry_after: 1 });
      await a.complete();
      await a.complete(); // idempotent: must not free a second slot
      const c = await engine.check(scopes, ctx);
      await refusal(engine.check(scopes, ctx), 'concurrency_exceeded');
      await b.abort();
      const d = await engine.check(scopes, ctx);
      await Promise.all([c.complete(), d.abort()]);
    });

    it('a lease nobody releases (crashed instance) expires after lease_ttl_seconds', async () => {
      const scopes = stack({ model: { ratelimit: { concurrency: { max: 1, lease_ttl_seconds: 30 } } } });
      await engine.check(scopes, ctx); // never completed
      await refusal(engine.check(scopes, ctx), 'concurrency_exceeded');
      clock.advance(30_000);
      await engine.check(scopes, ctx);
    });

    it('stacked scopes: the narrowest exhausted scope is named, and a refusal consumes nothing', async () => {
      const scopes = stack({
        org: { ratelimit: { requests: { per_minute: 100 } } },
        team: { ratelimit: { requests: { per_minute: 2 } } },
        key: { ratelimit: { requests: { per_minute: 5 } } },
      });
      await engine.check(scopes, ctx);
      await engine.check(scopes, ctx);
      for (let i = 0; i < 3; i++) {
        const e = await refusal(engine.check(scopes, ctx), 'rpm_exceeded');
        assert.deepEqual([e.extra.scope, e.extra.limit], ['team', 2]);
      }
      const x = await engine.explain(scopes, ctx);
      const org = x.policies.find((p) => p.scope === 'organisation');
      assert.equal(org?.current, 2, 'refused requests did not count against the organisation');
      // Another team's key under the same organisation is limited only by the org and its own scopes.
      const other = scopes.map((s) => (s.scope === 'team' ? { ...s, id: 'team2' } : s.scope === 'key' ? { ...s, id: 'key2' } : s));
      await engine.check(other, ctx);
    });

    it('checks run in order: IP before payload before rate limits', async () => {
      const scopes = stack({ key: { ip: { allowlist: ['10.0.0.0/8'] }, ratelimit: { requests: { per_minute: 1 }, payload: { max_request_bytes: 10 } } } });
      await refusal(engine.check(scopes, { clientIp: '1.1.1.1', requestBytes: 99 }), 'ip_not_allowed');
      await refusal(engine.check(scopes, { clientIp: '10.0.0.1', requestBytes: 99 }), 'payload_too_large');
      await engine.check(scopes, { clientIp: '10.0.0.1', requestBytes: 5 });
      await refusal(engine.check(scopes, { clientIp: '10.0.0.1', requestBytes: 5 }), 'rpm_exceeded');
    });

    it('invalid stored policies fail closed', async () => {
      const e = await refusal(engine.check(stack({ key: { ip: { allowlist: ['nonsense'] } } }), ctx), 'internal_error');
      assert.doesNotMatch(e.message, /nonsense/);
    });

    it('explain lists what applies and what would refuse, and consumes nothing', async () => {
      const scopes = stack({
        org: { ip: { allowlist: ['10.0.0.0/8'] } },
        key: { ratelimit: { requests: { per_minute: 2 }, concurrency: { max: 1 }, payload: { max_tokens: 100 } } },
      });
      const before = await engine.explain(scopes, ctx);
      assert.equal(before.would_refuse, null);
      assert.deepEqual(before.policies.map((p) => `${p.scope}:${p.policy}`), [
        'organisation:ip', 'key:ratelimit.payload.max_tokens', 'key:ratelimit.requests.per_minute', 'key:ratelimit.concurrency.max',
      ]);
      for (let i = 0; i < 5; i++) await engine.explain(scopes, ctx);
      const h = await engine.check(scopes, ctx);
      const during = await engine.explain(scopes, ctx);
      assert.equal(during.would_refuse?.code, 'concurrency_exceeded');
      assert.equal(during.would_refuse?.status, 429);
      assert.equal(during.policies.find((p) => p.policy === 'ratelimit.requests.per_minute')?.current, 1);
      await h.complete();
      const bad = await engine.explain(scopes, { ...ctx, clientIp: '8.8.8.8', maxTokens: 500 });
      assert.equal(bad.would_refuse?.code, 'ip_not_allowed');
      assert.equal(bad.policies.filter((p) => p.would_refuse).length, 2);
      assert.equal(bad.store, target.store.kind);
    });

    it('releaseAll frees the leases of calls still in flight (shutdown)', async () => {
      const scopes = stack({ key: { ratelimit: { concurrency: { max: 1 } } } });
      await engine.check(scopes, ctx);
      await refusal(engine.check(scopes, ctx), 'concurrency_exceeded');
      await engine.releaseAll();
      await engine.check(scopes, ctx);
    });
  });
}
