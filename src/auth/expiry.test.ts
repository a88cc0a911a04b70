import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../errors/index.ts';
import { isValidTimezone, parseExpiry, requireFuture } from './expiry.ts';

const utc = (input: string, tz: string) => parseExpiry(input, tz).utc;

function assertRejected(fn: () => unknown, field: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GatewayError);
    assert.equal(e.status, 400);
    assert.equal(e.code, 'invalid_request');
    assert.equal(e.extra.field, field);
    return true;
  });
}

test('a local date-time is read in the key\'s timezone, summer and winter', () => {
  assert.equal(utc('2031-01-15T09:00', 'Europe/Paris'), '2031-01-15T08:00:00.000Z');
  assert.equal(utc('2031-07-15T09:00', 'Europe/Paris'), '2031-07-15T07:00:00.000Z');
  assert.equal(utc('2031-01-15T09:00', 'America/New_York'), '2031-01-15T14:00:00.000Z');
  assert.equal(utc('2031-07-15T09:00', 'America/New_York'), '2031-07-15T13:00:00.000Z');
  assert.equal(utc('2031-01-15T09:00', 'Australia/Sydney'), '2031-01-14T22:00:00.000Z', 'southern summer time crosses the date line');
  assert.equal(utc('2031-07-15T09:00', 'Asia/Kolkata'), '2031-07-15T03:30:00.000Z', 'half-hour offsets');
  assert.equal(utc('2031-07-15T09:00', 'UTC'), '2031-07-15T09:00:00.000Z');
  assert.equal(utc('2031-07-15 09:00:30', 'UTC'), '2031-07-15T09:00:30.000Z');
  assert.equal(utc('2031-07-15', 'Europe/Paris'), '2031-07-14T22:00:00.000Z', 'a date alone is its midnight');
  // The local form shown back is the one the operator typed.
  assert.equal(parseExpiry('2031-07-15T09:00', 'Europe/Paris').local, '2031-07-15T09:00:00');
});

test('on DST change days the hour either side is read with the right offset', () => {
  // Europe/Paris springs forward at 02:00 local (01:00Z) on 2031-03-30 and falls back on 2031-10-26.
  assert.equal(utc('2031-03-30T01:30', 'Europe/Paris'), '2031-03-30T00:30:00.000Z');
  assert.equal(utc('2031-03-30T03:30', 'Europe/Paris'), '2031-03-30T01:30:00.000Z');
  assert.equal(utc('2031-10-26T01:30', 'Europe/Paris'), '2031-10-25T23:30:00.000Z');
  assert.equal(utc('2031-10-26T03:30', 'Europe/Paris'), '2031-10-26T02:30:00.000Z');
  // America/New_York springs forward at 02:00 local on 2031-03-09.
  assert.equal(utc('2031-03-09T01:30', 'America/New_York'), '2031-03-09T06:30:00.000Z');
  assert.equal(utc('2031-03-09T03:30', 'America/New_York'), '2031-03-09T07:30:00.000Z');
});

test('a wall time that does not exist (spring forward) moves forward by the gap, east and west of UTC', () => {
  const paris = parseExpiry('2031-03-30T02:30', 'Europe/Paris');
  assert.equal(paris.utc, '2031-03-30T01:30:00.000Z');
  assert.equal(paris.local, '2031-03-30T03:30:00');
  const ny = parseExpiry('2031-03-09T02:30', 'America/New_York');
  assert.equal(ny.utc, '2031-03-09T07:30:00.000Z');
  assert.equal(ny.local, '2031-03-09T03:30:00');
});

test('a wall time that exists twice (fall back) is its first occurrence', () => {
  assert.equal(utc('2031-10-26T02:30', 'Europe/Paris'), '2031-10-26T00:30:00.000Z');
  assert.equal(utc('2031-11-02T01:30', 'America/New_York'), '2031-11-02T05:30:00.000Z');
});

test('an explicit offset or Z wins over the timezone, which only shapes the local form', () => {
  assert.equal(utc('2031-07-15T09:00Z', 'Asia/Tokyo'), '2031-07-15T09:00:00.000Z');
  assert.equal(utc('2031-07-15T09:00+02:00', 'Asia/Tokyo'), '2031-07-15T07:00:00.000Z');
  assert.equal(utc('2031-07-15T09:00:00-05:00', 'UTC'), '2031-07-15T14:00:00.000Z');
  assert.equal(utc('2031-07-15T09:00+0530', 'UTC'), '2031-07-15T03:30:00.000Z');
  assert.equal(parseExpiry('2031-07-15T09:00Z', 'Asia/Tokyo').local, '2031-07-15T18:00:00');
});

test('an invalid timezone is a 400 naming timezone', () => {
  for (const tz of ['Mars/Olympus', 'Europe/Pariss', 'UTC+1', '', 'local']) assertRejected(() => parseExpiry('2031-07-15T09:00', tz), 'timezone');
  assert.equal(isValidTimezone('Europe/Paris'), true);
  assert.equal(isValidTimezone('Not/AZone'), false);
});

test('malformed and impossible date-times are a 400 naming expiry', () => {
  for (const bad of ['tomorrow', '2031-13-01T00:00', '2031-02-29T09:00', '2031-04-31', '2031-07-15T24:00', '2031-07-15T09:60', '15/07/2031', '2031-07-15T09:00+99:99x', "2031-07-15'; drop table api_keys;--"]) {
    assertRejected(() => parseExpiry(bad, 'UTC'), 'expiry');
  }
  assertRejected(() => parseExpiry('nope', 'UTC', 'expiry'), 'expiry');
});

test('a new expiry must lie in the future: exactly now and one second ago are refused', () => {
  const now = Date.parse('2031-07-15T09:00:00.000Z');
  assertRejected(() => requireFuture('2031-07-15T09:00:00.000Z', now), 'expiry');
  assertRejected(() => requireFuture('2031-07-15T08:59:59.000Z', now), 'expiry');
  assert.doesNotThrow(() => requireFuture('2031-07-15T09:00:01.000Z', now));
});
