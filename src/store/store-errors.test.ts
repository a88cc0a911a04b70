import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { toGatewayError } from '../errors/to-gateway-error.ts';
import { openStore } from './db.ts';

// src/errors cannot import the store; the store registers how its failures are named.
test('a database that cannot be reached is 503 store_unavailable', async () => {
  // Nothing listens on port 1: the driver's own connection failure, not a made-up error.
  const store = openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/test' });
  try {
    const err = await sql`select 1`.execute(store.db).then(() => undefined, (e: unknown) => e);
    assert.ok(err, 'the query fails');
    const ge = toGatewayError(err);
    assert.equal(ge.code, 'store_unavailable');
    assert.equal(ge.status, 503);
  } finally {
    await store.close();
  }
});

test('text PostgreSQL cannot store is the input\'s fault; anything else stays internal', () => {
  assert.equal(toGatewayError(Object.assign(new Error('invalid byte sequence'), { code: '22021' })).code, 'invalid_request');
  assert.equal(toGatewayError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' })).code, 'store_unavailable');
  assert.equal(toGatewayError(new Error('boom')).code, 'internal_error');
});
