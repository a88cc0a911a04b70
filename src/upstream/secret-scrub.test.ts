import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecretScrubber, StreamScrubber, scrubBody } from './secret-scrub.ts';
import * as providers from '../gateway/translate.ts';
import { GatewayError, isGatewayError } from '../errors/index.ts';

const KEY = 'prov/Key+Secret.0001';

describe('SecretScrubber', () => {
  const s = SecretScrubber.for(KEY)!;
  it('replaces the key as is, JSON-escaped (once and twice) and URL-encoded', () => {
    for (const form of [KEY, 'prov\\/Key+Secret.0001', 'prov\\\\/Key+Secret.0001', 'prov%2FKey%2BSecret.0001', 'prov%2fKey%2bSecret.0001']) {
      assert.equal(s.scrub(`a ${form} b ${form}`), 'a [redacted] b [redacted]', form);
    }
    assert.equal(s.scrub('nothing here'), 'nothing here');
  });
  it('leaves short placeholder keys alone (a local server that checks none)', () => {
    assert.equal(SecretScrubber.for('none'), null);
    assert.equal(SecretScrubber.for(''), null);
    assert.equal(SecretScrubber.for(undefined), null);
  });
  it('scrubs buffers and errors, and returns the very same object when there is nothing to scrub', () => {
    const clean = Buffer.from('{"a":1}');
    assert.equal(scrubBody(clean, KEY), clean);
    assert.equal(scrubBody(Buffer.from(`{"a":"${KEY}"}`), KEY).toString(), '{"a":"[redacted]"}');
    const e = new GatewayError('upstream_error', `bad ${KEY}`, { note: KEY, upstream_status: 500 });
    const out = s.scrubError(e) as GatewayError;
    assert.ok(isGatewayError(out));
    assert.equal(out.message, 'bad [redacted]');
    assert.deepEqual(out.extra, { note: '[redacted]', upstream_status: 500 });
    const plain = new GatewayError('upstream_error', 'fine');
    assert.equal(s.scrubError(plain), plain);
  });
});

describe('StreamScrubber', () => {
  it('catches the key cut at any point, and holds back only a real start of it', () => {
    const text = `data: {"error":{"message":"bad key ${KEY} here"}}\n\n`;
    for (let i = 1; i < text.length; i++) {
      const st = new StreamScrubber(SecretScrubber.for(KEY)!);
      const out = st.push(text.slice(0, i)) + st.push(text.slice(i)) + st.flush();
      assert.equal(out, text.replace(KEY, '[redacted]'), `split at ${i}`);
    }
    const st = new StreamScrubber(SecretScrubber.for(KEY)!);
    assert.equal(st.push('see prov/K'), 'see ', 'a start of the key waits');
    assert.equal(st.push('ing'), 'prov/King', 'and goes out once it proves not to be the key');
    assert.equal(st.push('abc'), 'abc');
  });
  it('a stream ending in a long piece of the key emits [redacted], a short one as it is', () => {
    const st = new StreamScrubber(SecretScrubber.for(KEY)!);
    assert.equal(st.push('x prov/Key+Sec') + st.flush(), 'x [redacted]');
    const st2 = new StreamScrubber(SecretScrubber.for(KEY)!);
    assert.equal(st2.push('x pro') + st2.flush(), 'x pro');
  });
});

describe('stream translators with a secret', () => {
  const chunk = (content: string) => `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}\n\n`;
  it('pass-through: bytes unchanged chunk by chunk, and a mid-stream error quoting the key is scrubbed', () => {
    const tx = providers.createStreamTranslator('openai-chat', 'OPENAI', { requestedModel: 'm', secret: KEY });
    const a = chunk('Hi');
    assert.equal(tx.push(Buffer.from(a)), a, 'a normal chunk goes out at once, as it came');
    const err = `data: {"error":{"message":"key ${KEY} revoked","type":"server_error"}}\n\n`;
    const out = tx.push(Buffer.from(err.slice(0, 30))) + tx.push(Buffer.from(err.slice(30)));
    assert.equal(out, err.replace(KEY, '[redacted]'));
    assert.throws(() => tx.end(), (e: unknown) => isGatewayError(e) && !e.message.includes(KEY));
  });
  it('translated: a key the upstream wrote with \\u escapes is caught once decoded', () => {
    const tx = providers.createStreamTranslator('anthropic-messages', 'OPENAI', { requestedModel: 'm', secret: KEY });
    const escaped = KEY.replace('K', '\\u004b');
    let out = tx.push(Buffer.from(chunk('Hi')));
    let message = '';
    try {
      tx.push(Buffer.from(`data: {"error":{"message":"key ${escaped} revoked","type":"server_error"}}\n\n`));
      tx.end();
    } catch (e) {
      message = (e as Error).message;
      out += tx.fail('upstream_error', message);
    }
    assert.ok(message.includes('[redacted]') && !message.includes(KEY), message);
    assert.ok(!out.includes(KEY), out);
  });
});
