import { it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryLedger } from './memory-ledger.ts';
import { runLedgerSuite } from './testing/ledger.suite.ts';

runLedgerSuite('memory', async (clock) => {
  const ledger = new MemoryLedger({ now: clock.now });
  return { ledger, wipe: async () => ledger.clear() };
});

it('memory ledger forgets counters after their TTL, so its map stays bounded', async () => {
  let now = 1_000_000;
  const m = new MemoryLedger({ now: () => now });
  const hold = { id: 'h', ttlMs: 1000 };
  for (let i = 0; i < 20; i++) await m.reserve([{ key: `k${i}`, limit: 10, amount: 1, enforce: true, ttlMs: 1000, base: 0 }], hold);
  assert.equal(m.size, 20);
  now += 120_000;
  await m.reserve([{ key: 'fresh', limit: 10, amount: 1, enforce: true, ttlMs: 1000, base: 0 }], hold);
  assert.equal(m.size, 1);
});
