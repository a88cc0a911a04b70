import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBatch } from './otlp-exporter.ts';
import { parseTraceparent } from './otlp-tracer.ts';

test('OTLP/JSON encoding: hex ids, nanosecond strings, typed attribute values, unset ones left out', () => {
  const body = JSON.parse(encodeBatch([{
    traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'POST /v1/chat/completions', kind: 2, startNs: 1_700_000_000_000_000_001n, endNs: 1_700_000_000_500_000_000n,
    attributes: { s: 'x', i: 42, d: 0.5, b: true, none: undefined, nil: null }, status: 2,
  }], 'svc'));
  const rs = body.resourceSpans[0];
  assert.deepEqual(rs.resource.attributes.find((a: { key: string }) => a.key === 'service.name'), { key: 'service.name', value: { stringValue: 'svc' } });
  const span = rs.scopeSpans[0].spans[0];
  assert.equal(span.startTimeUnixNano, '1700000000000000001', 'no precision lost');
  assert.equal(span.parentSpanId, undefined);
  assert.deepEqual(span.attributes, [
    { key: 's', value: { stringValue: 'x' } }, { key: 'i', value: { intValue: '42' } }, { key: 'd', value: { doubleValue: 0.5 } }, { key: 'b', value: { boolValue: true } },
  ]);
  assert.deepEqual(span.status, { code: 2 });
});

test('W3C traceparent: valid contexts are taken, anything else starts a new trace', () => {
  assert.deepEqual(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', sampled: true });
  assert.equal(parseTraceparent('00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-00')?.sampled, false);
  for (const bad of [undefined, '', 'garbage', `00-${'0'.repeat(32)}-b7ad6b7169203331-01`, `00-0af7651916cd43dd8448eb211c80319c-${'0'.repeat(16)}-01`, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331', '00-xyz-b7ad6b7169203331-01']) {
    assert.equal(parseTraceparent(bad), undefined, String(bad));
  }
});
