import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig } from './env.ts';

function rejects(env: Record<string, string>, variable: string) {
  assert.throws(() => loadConfig(env), (e: unknown) => {
    assert.ok(e instanceof ConfigError, 'a ConfigError');
    assert.ok((e as Error).message.includes(variable), `the message names ${variable}: ${(e as Error).message}`);
    return true;
  });
}

test('defaults: embedded SQLite file in ./data, port 8080, in-process cache', () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 8080);
  assert.equal(c.dialect, 'sqlite');
  assert.equal(c.dataDir, resolve('./data'));
  assert.equal(c.databaseUrl, `sqlite:${resolve('./data/odock.db')}`);
  assert.equal(c.REDIS_URL, undefined);
  assert.equal(c.AUTH_CACHE_TTL, 300);
  assert.equal(c.AUTH_NEGATIVE_CACHE_TTL, 30);
  assert.equal(c.CACHE_INVALIDATION_CHANNEL, 'odock:cache-invalidation');
  assert.equal(c.ODOCK_ALLOW_PRIVATE_UPSTREAMS, false);
  assert.ok(Object.isFrozen(c), 'loaded once, frozen');
});

test('values are read and coerced; empty strings count as unset', () => {
  const c = loadConfig({
    PORT: '9090', DATABASE_URL: 'postgres://u@db:5432/odock', REDIS_URL: 'redis://cache:6379', AUTH_CACHE_TTL: '60',
    ODOCK_ALLOW_PRIVATE_UPSTREAMS: 'true', TRUSTED_PROXY_CIDRS: '10.0.0.0/8, 192.168.0.0/16', HOST: '',
  });
  assert.equal(c.PORT, 9090);
  assert.equal(c.dialect, 'postgres');
  assert.equal(c.AUTH_CACHE_TTL, 60);
  assert.equal(c.ODOCK_ALLOW_PRIVATE_UPSTREAMS, true);
  assert.deepEqual(c.trustedProxyCidrs, ['10.0.0.0/8', '192.168.0.0/16']);
  assert.equal(c.HOST, '0.0.0.0');
  assert.equal(loadConfig({ ODOCK_DATA_DIR: '/tmp/odock-x' }).databaseUrl, 'sqlite:/tmp/odock-x/odock.db');
});

test('a bad value stops the start with a message naming the variable', () => {
  rejects({ PORT: 'eighty' }, 'PORT');
  rejects({ PORT: '70000' }, 'PORT');
  rejects({ DATABASE_URL: 'mysql://localhost/odock' }, 'DATABASE_URL');
  rejects({ REDIS_URL: 'localhost:6379' }, 'REDIS_URL');
  rejects({ AUTH_CACHE_TTL: '-1' }, 'AUTH_CACHE_TTL');
  rejects({ AUTH_NEGATIVE_CACHE_TTL: 'soon' }, 'AUTH_NEGATIVE_CACHE_TTL');
  rejects({ ODOCK_ADMIN_EMAIL: 'not-an-email' }, 'ODOCK_ADMIN_EMAIL');
  rejects({ ODOCK_ADMIN_PASSWORD: 'short' }, 'ODOCK_ADMIN_PASSWORD');
  rejects({ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL');
  rejects({ ODOCK_ALLOW_PRIVATE_UPSTREAMS: 'maybe' }, 'ODOCK_ALLOW_PRIVATE_UPSTREAMS');
  rejects({ MAX_REQUEST_BYTES: '10' }, 'MAX_REQUEST_BYTES');
});

test('every bad variable is named at once, and a secret value is not echoed', () => {
  assert.throws(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y', ODOCK_ADMIN_PASSWORD: 'hunter2' }), (e: unknown) => {
    const msg = (e as Error).message;
    assert.ok(msg.includes('PORT') && msg.includes('LOG_LEVEL') && msg.includes('ODOCK_ADMIN_PASSWORD'));
    assert.ok(!msg.includes('hunter2'));
    return true;
  });
});

test('the server process itself refuses to start on a bad variable, naming it', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH, PORT: 'eighty', ODOCK_DATA_DIR: '/nonexistent/odock-never-created' }, encoding: 'utf8', timeout: 90_000,
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /PORT/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('ODOCK_WORKERS: 1 by default, a number, or auto (one per core); an in-memory database cannot be shared', async () => {
  const { availableParallelism } = await import('node:os');
  assert.equal(loadConfig({}).workers, 1);
  assert.equal(loadConfig({ ODOCK_WORKERS: '3' }).workers, 3);
  assert.equal(loadConfig({ ODOCK_WORKERS: 'auto' }).workers, availableParallelism());
  rejects({ ODOCK_WORKERS: '0' }, 'ODOCK_WORKERS');
  rejects({ ODOCK_WORKERS: 'all' }, 'ODOCK_WORKERS');
  rejects({ ODOCK_WORKERS: '2', DATABASE_URL: 'sqlite::memory:' }, 'ODOCK_WORKERS');
});
