import { it } from 'node:test';
import assert from 'node:assert/strict';
import { formatUsd, parseUsd } from './money.ts';

it('USD decimal strings round-trip through nano-USD exactly', () => {
  assert.equal(parseUsd('12.5'), 12_500_000_000);
  assert.equal(parseUsd('0.000000001'), 1);
  assert.equal(parseUsd('100'), 100e9);
  assert.equal(formatUsd(12_500_000_000), '12.50');
  assert.equal(formatUsd(1), '0.000000001');
  assert.equal(formatUsd(0), '0.00');
  assert.equal(formatUsd(-2_000_000_000), '-2.00');
  for (const bad of ['-1', '1e3', '1.0000000001', 'abc', '', '1,5']) assert.equal(parseUsd(bad), null, bad);
});
