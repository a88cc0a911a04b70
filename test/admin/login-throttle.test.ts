import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { REDIS_URL, needRedis, uniquePrefix } from '../helpers/services.ts';
import { LoginThrottle } from '../../src/admin/auth/login-throttle.ts';
import { passwordStats } from '../../src/crypto/passwords.ts';

/** A login from a given client IP: the test talks to Odock through a "trusted proxy" (itself) that names the client. */
async function loginFrom(url: string, ip: string, email: string, password: string) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ email, password }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: { code: string } } };
}

const PROXIED = { TRUSTED_PROXY_CIDRS: '127.0.0.1/32', LOGIN_MAX_FAILURES: '10', LOGIN_WINDOW_SECONDS: '900' };

describe('login throttling', () => {
  let o: TestOdock;
  before(async () => {
    o = await startOdock({ env: PROXIED });
  });
  after(async () => o?.close());

  it('per email: after 10 failures the 11th attempt is refused even with the right password, from any IP', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await loginFrom(o.url, `198.51.100.${i + 1}`, ADMIN_EMAIL, `wrong-${i}`)).status, 401);
    const r = await loginFrom(o.url, '198.51.100.200', ADMIN_EMAIL, ADMIN_PASSWORD);
    assert.equal(r.status, 429);
    assert.equal(r.body.error?.code, 'too_many_attempts');
    assert.ok(Number(r.retryAfter) > 0 && Number(r.retryAfter) <= 900, `Retry-After: ${r.retryAfter}`);
  });

  it('per client IP: 10 failures on any emails, then that IP is refused; another IP is not', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await loginFrom(o.url, '203.0.113.7', `nobody-${i}@example.test`, 'wrong-password')).status, 401);
    const blocked = await loginFrom(o.url, '203.0.113.7', 'someone-else@example.test', 'whatever-1');
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.retryAfter) > 0);
    assert.equal((await loginFrom(o.url, '203.0.113.8', 'someone-else@example.test', 'whatever-1')).status, 401);
  });

  it('a success resets the email\'s counter', async () => {
    const email = 'reset@example.test';
    await o.deps.store.db.insertInto('operators').values({
      id: 'op-reset', email, name: 'Reset', password_hash: await (await import('../../src/crypto/passwords.ts')).hashPassword('reset-password-1'),
      super_admin: 0, must_change_password: 0, created_at: new Date().toISOString(),
    }).execute();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) assert.equal((await loginFrom(o.url, `192.0.2.${round * 10 + i + 1}`, email, 'wrong-password')).status, 401);
      assert.equal((await loginFrom(o.url, `192.0.2.${round * 10 + 9 + 1}`, email, 'reset-password-1')).status, 200, `round ${round}`);
    }
  });

  it('an unknown email costs a password verification too (against a dummy hash)', async () => {
    const before = passwordStats.verifications;
    assert.equal((await loginFrom(o.url, '192.0.2.100', 'ghost@example.test', 'wrong-password')).status, 401);
    assert.equal(passwordStats.verifications - before, 1, 'one scrypt verification for an unknown email');
    const known = passwordStats.verifications;
    assert.equal((await loginFrom(o.url, '192.0.2.101', 'reset@example.test', 'wrong-password')).status, 401);
    assert.equal(passwordStats.verifications - known, 1, 'and one for a known email');
  });
});

describe('login throttle counters', () => {
  it('in process: the window ends, and attempts are allowed again (injected clock)', async () => {
    let now = 1_000_000;
    const t = new LoginThrottle({ maxFailures: 3, windowSeconds: 60, now: () => now });
    const k = { email: 'a@example.test', ip: '192.0.2.1' };
    for (let i = 0; i < 3; i++) {
      assert.equal(await t.retryAfter(k), 0);
      await t.recordFailure(k);
    }
    assert.equal(await t.retryAfter(k), 60);
    now += 30_000;
    assert.equal(await t.retryAfter(k), 30);
    now += 30_000;
    assert.equal(await t.retryAfter(k), 0, 'a new window');
  });

  it('in Redis: shared by every instance, and the window ends', async (t) => {
    const skip = await needRedis();
    if (skip) return t.skip(skip);
    const redis = new Redis(REDIS_URL);
    t.after(() => redis.quit());
    const prefix = uniquePrefix();
    const a = new LoginThrottle({ maxFailures: 2, windowSeconds: 2, redis, redisPrefix: prefix });
    const b = new LoginThrottle({ maxFailures: 2, windowSeconds: 2, redis, redisPrefix: prefix });
    const k = { email: 'shared@example.test', ip: '192.0.2.9' };
    await a.recordFailure(k);
    await b.recordFailure(k);
    assert.ok((await a.retryAfter(k)) > 0, 'two failures across two instances reach the limit');
    assert.ok((await b.retryAfter(k)) > 0);
    await waitFor(async () => (await b.retryAfter(k)) === 0, 10_000, 100);
    await a.recordFailure(k);
    await a.recordSuccess(k);
    await a.recordFailure(k);
    assert.equal(await b.retryAfter({ email: k.email }), 0, 'the success reset the email counter');
  });

  it('two Odock instances on one Redis refuse the 11th attempt on either', async (t) => {
    const skip = await needRedis();
    if (skip) return t.skip(skip);
    const one = await startOdock({ redis: true, env: PROXIED });
    t.after(() => one.close());
    const two = await startOdock({ shareWith: one, env: PROXIED });
    t.after(() => two.close());
    for (let i = 0; i < 10; i++) assert.equal((await loginFrom(i % 2 ? one.url : two.url, `198.18.0.${i + 1}`, ADMIN_EMAIL, `wrong-${i}`)).status, 401);
    assert.equal((await loginFrom(one.url, '198.18.1.1', ADMIN_EMAIL, ADMIN_PASSWORD)).status, 429);
    assert.equal((await loginFrom(two.url, '198.18.1.2', ADMIN_EMAIL, ADMIN_PASSWORD)).status, 429);
  });
});
