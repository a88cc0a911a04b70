import { it } from 'node:test';
import assert from 'node:assert/strict';
import { isoTime, uuid7 } from './uuid7.ts';

it('uuid7: version 7, RFC variant, the time in front, so later ids sort later; no repeats', () => {
  const ids = Array.from({ length: 5000 }, (_, i) => uuid7(1_764_000_000_000 + Math.floor(i / 10)));
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(parseInt(ids[0]!.slice(0, 8) + ids[0]!.slice(9, 13), 16), 1_764_000_000_000);
  assert.equal(parseInt(ids[4999]!.slice(0, 8) + ids[4999]!.slice(9, 13), 16), 1_764_000_000_499);
  // Ids of different milliseconds are in time order whatever their random part.
  for (let i = 10; i < ids.length; i += 10) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
  assert.equal(new Set(ids).size, ids.length);
});

it('isoTime is toISOString of the same millisecond', () => {
  for (const t of [0, 1_764_000_000_000, 1_764_000_000_000, 1_764_000_000_001, 253_402_300_799_999]) assert.equal(isoTime(t), new Date(t).toISOString());
});
