import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { isGatewayError } from '../../errors/index.ts';
import { deletePrefix, sharedRedisOrSkip, uniquePrefix } from '../../policy/testing/redis-test-helper.ts';
import { ResponseItemStore } from './response-items.ts';

const message = { id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Let me check.', annotations: [] }] };
const call = { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' };
const refs = { model: 'm', input: [{ role: 'user', content: 'Weather?' }, { type: 'item_reference', id: 'msg_1' }, { type: 'item_reference', id: 'fc_1' }, { type: 'function_call_output', call_id: 'call_a', output: '21C' }] };

test('references to items this gateway answered are replaced by the items, without their status', async () => {
  const store = new ResponseItemStore({ redisPrefix: 'odock:', ttlMs: 60_000 });
  store.remember('key-1', [message, call]);
  const body = await store.resolve('key-1', refs);
  assert.deepEqual(body.input, [refs.input[0], { ...message, status: undefined }, { ...call, status: undefined }, refs.input[3]].map((i) => JSON.parse(JSON.stringify(i))));
  assert.equal(await store.resolve('key-1', { model: 'm', input: 'plain' }).then((b) => b.input), 'plain');
});

test('another key cannot resolve them, and an unknown reference is a 400 that names it and blames no provider', async () => {
  const store = new ResponseItemStore({ redisPrefix: 'odock:', ttlMs: 3_600_000 });
  store.remember('key-1', [message, call]);
  await assert.rejects(store.resolve('key-2', refs), (e: unknown) => {
    assert.ok(isGatewayError(e));
    assert.equal(e.code, 'invalid_request');
    assert.equal(e.extra.param, 'input[1]');
    assert.match(e.message, /"msg_1".*does not hold.*60 minutes/);
    assert.doesNotMatch(e.message, /served by/);
    return true;
  });
});

test('with Redis, an item remembered by one instance resolves on another', async (t) => {
  const { redis, skip } = await sharedRedisOrSkip();
  if (!redis) return t.skip(skip);
  const prefix = uniquePrefix('respitems');
  after(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });
  const a = new ResponseItemStore({ redis, redisPrefix: prefix, ttlMs: 60_000 });
  const b = new ResponseItemStore({ redis, redisPrefix: prefix, ttlMs: 60_000 });
  a.remember('key-1', [message, call]);
  // remember() never delays a response; wait for its write to land, not for a duration.
  for (let i = 0; i < 200 && (await redis.exists(`${prefix}respitem:key-1:fc_1`)) === 0; i++) await new Promise((r) => setImmediate(r));
  const body = await b.resolve('key-1', refs);
  assert.equal((body.input as any[])[2].arguments, '{"city":"Paris"}');
  assert.ok((await redis.pttl(`${prefix}respitem:key-1:fc_1`)) > 0, 'kept with a TTL');
});
