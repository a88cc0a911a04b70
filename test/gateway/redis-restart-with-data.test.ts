import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { startOdock, waitFor, type TestOdock } from '../helpers/odock.ts';
import { setupKey, type SetupResult } from '../helpers/setup-flow.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { PrivateRedis, freePort, redisServerMissing } from '../helpers/private-redis.ts';
import { uniquePrefix } from '../helpers/services.ts';

const probe = async (o: TestOdock, key: string) => {
  const r = await fetch(`${o.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
  return { status: r.status, code: ((await r.json()) as any).error?.code as string | undefined };
};

/**
 * Redis that keeps its data (persistence, a failover, a healed partition) comes back holding
 * the auth entries cached before the outage. A change made while it was away must still hold on
 * every instance once it is back: the admin call returned, so the key must stay refused.
 */
describe('Redis that returns with its data after an outage, under two instances', () => {
  const skip = redisServerMissing();
  const dir = mkdtempSync(join(tmpdir(), 'odock-redis-data-'));
  let redis: PrivateRedis;
  let a: TestOdock;
  let b: TestOdock;
  let s: SetupResult;
  let nodes: TestOdock[];
  let sentinel: string;

  before(async () => {
    if (skip) return;
    redis = new PrivateRedis(await freePort(), { dataDir: dir });
    await redis.start();
    const prefix = uniquePrefix();
    a = await startOdock({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, CACHE_INVALIDATION_CHANNEL: `${prefix}inv` } });
    b = await startOdock({ shareWith: a, env: { DATABASE_URL: a.env.DATABASE_URL } });
    nodes = [a, b];
    s = await setupKey(a);
    sentinel = `${prefix}sentinel`;
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const keyPath = () => `/api/organisations/${s.orgId}/api-keys/${s.keyId}`;

  /** Both instances warm (L1 and Redis hold the entry), then Redis goes away. */
  async function warmThenStopRedis(secret: string) {
    for (const n of nodes) for (let i = 0; i < 2; i++) assert.equal((await probe(n, secret)).status, 200);
    const r = new Redis(redis.url, { lazyConnect: true });
    await r.connect();
    await r.set(sentinel, 'kept');
    r.disconnect();
    await redis.stop();
    await waitFor(() => nodes.every((n) => !n.deps.bus.healthy), 5000);
  }

  /** Redis returns with what it held; both instances reconnect, and hear the change they missed. */
  async function restartRedis() {
    await redis.start();
    await waitFor(() => nodes.every((n) => n.deps.bus.healthy), 10_000, 50);
    // The replay of the change made while Redis was away clears every L1 once more: the steady-state
    // count below starts after it, not while it is still on its way (a loaded machine delays it).
    await waitFor(() => nodes.every((n) => n.deps.keyLookup.replayed), 10_000, 50);
    const r = new Redis(redis.url, { lazyConnect: true });
    await r.connect();
    assert.equal(await r.get(sentinel), 'kept', 'Redis came back with its data');
    r.disconnect();
  }

  it('a key revoked while Redis was away stays refused on every instance when Redis returns', async (t) => {
    if (skip) return t.skip(skip);
    await warmThenStopRedis(s.secret);
    await s.client.ok('POST', `${keyPath()}/revoke`);
    for (const n of nodes) assert.equal((await probe(n, s.secret)).code, 'api_key_revoked');
    await restartRedis();
    for (let i = 0; i < 3; i++) for (const n of nodes) assert.equal((await probe(n, s.secret)).code, 'api_key_revoked', `${n.url} round ${i}`);

    await s.client.ok('POST', `${keyPath()}/unrevoke`);
    for (const n of nodes) assert.equal((await probe(n, s.secret)).status, 200);
    // Back to the steady state: warm requests need no SQL again.
    const before = nodes.map((n) => n.deps.store.queryCount);
    for (let i = 0; i < 5; i++) for (const n of nodes) assert.equal((await probe(n, s.secret)).status, 200);
    assert.deepEqual(nodes.map((n) => n.deps.store.queryCount), before);
  });

  it('a secret rotated away while Redis was away stays refused; the new one works', async (t) => {
    if (skip) return t.skip(skip);
    await warmThenStopRedis(s.secret);
    const rotator = await AdminClient.login(b.url); // the change goes through the other instance
    await rotator.ok('POST', `${keyPath()}/rotate`, {});
    const { key } = await rotator.ok('POST', `${keyPath()}/reveal`);
    await restartRedis();
    for (let i = 0; i < 3; i++) {
      for (const n of nodes) {
        assert.equal((await probe(n, s.secret)).code, 'unauthorized', `${n.url} round ${i}: the old secret`);
        assert.equal((await probe(n, key)).status, 200);
      }
    }
    s.secret = key;
  });

  it('an expiry brought forward while Redis was away is honoured when Redis returns', async (t) => {
    if (skip) return t.skip(skip);
    await warmThenStopRedis(s.secret);
    const expiry = Date.now() + 2000;
    await s.client.ok('PATCH', keyPath(), { expiry: new Date(expiry).toISOString() });
    await restartRedis();
    await waitFor(() => Date.now() > expiry + 50, 10_000, 50);
    for (const n of nodes) assert.equal((await probe(n, s.secret)).code, 'api_key_expired', n.url);
  });
});

/** A TCP relay to Redis that can cut every connection through it and refuse new ones, then heal. */
class Partition {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number, private readonly target: number) {}
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  async heal(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.target });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', r));
    this.server = server;
  }
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}

describe('an instance cut off from Redis while the others keep it', () => {
  const skip = redisServerMissing();
  let redis: PrivateRedis;
  let partition: Partition;
  let x: TestOdock;
  let y: TestOdock;
  let s: SetupResult;

  before(async () => {
    if (skip) return;
    redis = new PrivateRedis(await freePort());
    await redis.start();
    partition = new Partition(await freePort(), redis.port);
    await partition.heal();
    const prefix = uniquePrefix();
    const shared = { REDIS_KEY_PREFIX: prefix, CACHE_INVALIDATION_CHANNEL: `${prefix}inv` };
    x = await startOdock({ env: { REDIS_URL: partition.url, ...shared } });
    y = await startOdock({ shareWith: x, env: { DATABASE_URL: x.env.DATABASE_URL, REDIS_URL: redis.url } });
    s = await setupKey(x);
  });
  after(async () => {
    await y?.close();
    await x?.close();
    await partition?.cut();
    await redis?.stop();
  });

  it('a revoke made there reaches the others once it can publish again, whatever they had cached', async (t) => {
    if (skip) return t.skip(skip);
    for (const n of [x, y]) for (let i = 0; i < 2; i++) assert.equal((await probe(n, s.secret)).status, 200);
    await partition.cut();
    await waitFor(() => !x.deps.bus.healthy, 5000);
    assert.equal(y.deps.bus.healthy, true);
    await s.client.ok('POST', `/api/organisations/${s.orgId}/api-keys/${s.keyId}/revoke`);
    assert.equal((await probe(x, s.secret)).code, 'api_key_revoked');
    await partition.heal();
    await waitFor(async () => (await probe(y, s.secret)).code === 'api_key_revoked', 10_000, 50);
    for (let i = 0; i < 3; i++) for (const n of [x, y]) assert.equal((await probe(n, s.secret)).code, 'api_key_revoked');
  });
});
