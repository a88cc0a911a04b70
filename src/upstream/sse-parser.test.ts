import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, formatSseEvent } from './sse-parser.ts';

interface Seen { events: Array<{ data: string; event: string; id?: string }>; comments: string[] }

function parse(chunks: Array<Uint8Array | string>, end = true): Seen {
  const seen: Seen = { events: [], comments: [] };
  const p = new SseParser({
    onEvent: (data, event, id) => seen.events.push(id === undefined ? { data, event } : { data, event, id }),
    onComment: (t) => seen.comments.push(t),
  });
  for (const c of chunks) p.push(c);
  if (end) p.end();
  return seen;
}

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function splits(bytes: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  out.push([...bytes].map((b) => Buffer.from([b])));
  return out;
}

const STREAM = Buffer.from(
  ': keep-alive\n\nevent: message_start\ndata: {"a":"héllo 🌍 日本"}\n\ndata: line1\ndata: line2\n\nid: 7\ndata: [DONE]\n\n',
  'utf8',
);
const EXPECTED: Seen = {
  events: [
    { data: '{"a":"héllo 🌍 日本"}', event: 'message_start' },
    { data: 'line1\nline2', event: 'message' },
    { data: '[DONE]', event: 'message', id: '7' },
  ],
  comments: [' keep-alive'],
};

test('LF stream split at every byte (including inside multi-byte UTF-8) parses identically', () => {
  for (const parts of splits(STREAM)) assert.deepEqual(parse(parts), EXPECTED);
});

test('CRLF stream split at every byte, including between CR and LF', () => {
  const crlf = Buffer.from(STREAM.toString('utf8').replace(/\n/g, '\r\n'), 'utf8');
  for (const parts of splits(crlf)) assert.deepEqual(parse(parts), EXPECTED);
});

test('bare CR line endings', () => {
  const cr = Buffer.from(STREAM.toString('utf8').replace(/\n/g, '\r'), 'utf8');
  for (const parts of splits(cr)) assert.deepEqual(parse(parts), EXPECTED);
});

test('an unterminated final event is not dispatched', () => {
  const seen = parse(['data: one\n\ndata: partial']);
  assert.deepEqual(seen.events, [{ data: 'one', event: 'message' }]);
  const seen2 = parse(['data: one\n\ndata: two\n']);
  assert.deepEqual(seen2.events, [{ data: 'one', event: 'message' }]);
});

test('field parsing: no space after colon, field without colon, unknown fields, empty data', () => {
  const seen = parse(['data:x\n\ndata\n\nretry: 10\nfoo: bar\ndata: y\n\nevent: only\n\n']);
  assert.deepEqual(seen.events, [
    { data: 'x', event: 'message' },
    { data: '', event: 'message' },
    { data: 'y', event: 'message' },
  ]);
});

test('event type resets after each dispatch; a leading BOM is ignored', () => {
  const seen = parse([Buffer.from([0xef, 0xbb, 0xbf]), 'event: a\ndata: 1\n\ndata: 2\n\n']);
  assert.deepEqual(seen.events, [{ data: '1', event: 'a' }, { data: '2', event: 'message' }]);
});

test('a long line arriving in many small chunks is assembled once', () => {
  const big = 'x'.repeat(100_000);
  const text = `data: ${big}\n\n`;
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 7) chunks.push(text.slice(i, i + 7));
  assert.deepEqual(parse(chunks).events, [{ data: big, event: 'message' }]);
});

test('formatSseEvent round-trips through the parser', () => {
  const wire = formatSseEvent('a\nb', 'ev') + formatSseEvent('{"x":1}');
  assert.equal(wire, 'event: ev\ndata: a\ndata: b\n\ndata: {"x":1}\n\n');
  assert.deepEqual(parse([wire]).events, [{ data: 'a\nb', event: 'ev' }, { data: '{"x":1}', event: 'message' }]);
});
