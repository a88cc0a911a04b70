import { it } from 'node:test';
import assert from 'node:assert/strict';
import { HISTOGRAM_SIZE, LATENCY_BOUNDS_MS, latencyBucket, percentile } from './latency-histogram.ts';

const histogramOf = (latencies: number[]) => {
  const h = new Array<number>(HISTOGRAM_SIZE).fill(0);
  for (const l of latencies) h[latencyBucket(l)]++;
  return h;
};

it('buckets latencies by their log-scale bounds, the last bucket open-ended', () => {
  assert.equal(latencyBucket(0), 0);
  assert.equal(latencyBucket(1), 1);
  assert.equal(latencyBucket(99), LATENCY_BOUNDS_MS.indexOf(100));
  assert.equal(latencyBucket(10 ** 9), HISTOGRAM_SIZE - 1);
});

it('answers percentiles within the bucket holding the exact one; the mean when one bucket holds every call', () => {
  const latencies = Array.from({ length: 1000 }, (_, i) => (i * 37) % 2000);
  const sorted = [...latencies].sort((a, b) => a - b);
  for (const p of [0.5, 0.95]) {
    const exact = sorted[Math.ceil(p * sorted.length) - 1];
    const i = latencyBucket(exact);
    const got = percentile(histogramOf(latencies), p)!;
    assert.ok(got >= (i ? LATENCY_BOUNDS_MS[i - 1] : 0) && got <= LATENCY_BOUNDS_MS[i], `${p}: ${got} vs ${exact}`);
  }
  assert.equal(percentile(histogramOf([30, 30, 30]), 0.5, 30), 30);
  assert.equal(percentile(new Array(HISTOGRAM_SIZE).fill(0), 0.5), null);
});
