import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { RedisLedger } from './redis-ledger.ts';
import { runLedgerSuite } from './testing/ledger.suite.ts';
import { deletePrefix, sharedRedisOrSkip, uniquePrefix } from '../policy/testing/redis-test-helper.ts';

const { redis, skip } = await sharedRedisOrSkip();
after(() => redis?.disconnect());

runLedgerSuite('redis', async (clock) => {
  const prefix = uniquePrefix('ledger');
  const wipe = () => deletePrefix(redis!, prefix);
  return { ledger: new RedisLedger({ redis: redis!, prefix, now: clock.now }), wipe, cleanup: wipe };
}, { skip });

it('redis counters carry the TTL they were given (kept past their period, then gone)', { skip }, async () => {
  const prefix = uniquePrefix('ledger-ttl');
  const ledger = new RedisLedger({ redis: redis!, prefix });
  await ledger.reserve([{ key: 'p', limit: 10, amount: 1, enforce: true, ttlMs: 90_000, base: 0 }, { key: 't', limit: 10, amount: 1, enforce: true, ttlMs: null, base: 0 }], { id: 'h1', ttlMs: 60_000 });
  const ttlP = await redis!.pttl(`${prefix}p`);
  assert.ok(ttlP > 0 && ttlP <= 90_000, `period ttl ${ttlP}`);
  assert.equal(await redis!.pttl(`${prefix}t`), -1, 'a TOTAL counter is kept');
  const leases = await redis!.pttl(`${prefix}p:l`);
  assert.ok(leases > 0 && leases <= 90_000, 'its leases go with it');
  await deletePrefix(redis!, prefix);
});
