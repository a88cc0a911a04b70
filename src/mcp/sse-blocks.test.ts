import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseBlockSplitter, withData, type SseBlock } from './sse-blocks.ts';

const STREAM = ': keep-alive\r\n\r\nid: 1\r\nretry: 3000\r\ndata: \r\n\r\nevent: message\nid: 2\ndata: {"jsonrpc":"2.0","id":1,"result":{"tools":[]}}\n\nid: 3\rdata: {"a":\rdata: "é"}\r\r';

function split(chunks: Uint8Array[]): SseBlock[] {
  const s = new SseBlockSplitter();
  const out = chunks.flatMap((c) => s.push(c));
  s.end();
  return out;
}

test('blocks survive any byte split, with CRLF, LF and CR line ends', () => {
  const bytes = new TextEncoder().encode(STREAM);
  const whole = split([bytes]);
  assert.equal(whole.length, 4);
  assert.equal(whole[0].data, null, 'a comment-only block');
  assert.equal(whole[0].raw, ': keep-alive\n\n');
  assert.deepEqual([whole[1].id, whole[1].data], ['1', ''], 'a priming event keeps its id');
  assert.ok(whole[1].raw.includes('retry: 3000'));
  assert.deepEqual([whole[2].event, whole[2].id], ['message', '2']);
  assert.deepEqual(JSON.parse(whole[3].data!), { a: 'é' });
  for (let i = 1; i < bytes.length; i++) {
    assert.deepEqual(split([bytes.slice(0, i), bytes.slice(i)]), whole, `split at ${i}`);
  }
  assert.deepEqual(split([...bytes].map((b) => Uint8Array.of(b))), whole, 'one byte at a time');
});

test('an event without its blank line is dropped at the end', () => {
  assert.deepEqual(split([new TextEncoder().encode('data: complete\n\ndata: truncated\n')]).map((b) => b.data), ['complete']);
});

test('withData replaces the data and keeps id, event and retry', () => {
  const [b] = split([new TextEncoder().encode('event: message\nid: 9\nretry: 10\ndata: old\ndata: more\n\n')]);
  assert.equal(withData(b, '{"new":1}'), 'event: message\nid: 9\nretry: 10\ndata: {"new":1}\n\n');
});
