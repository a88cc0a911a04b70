import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileIpRules, createClientIpResolver, ipAllowed, normalizeIp, parseCidr } from './ip-rules.ts';

describe('normalizeIp', () => {
  it('turns IPv4-mapped IPv6 into IPv4, lower-cases IPv6, drops zone ids, rejects garbage', () => {
    assert.equal(normalizeIp('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(normalizeIp('::FFFF:192.168.0.9'), '192.168.0.9');
    assert.equal(normalizeIp('2001:DB8::1'), '2001:db8::1');
    assert.equal(normalizeIp('fe80::1%eth0'), 'fe80::1');
    assert.equal(normalizeIp(' 8.8.8.8 '), '8.8.8.8');
    for (const bad of ['', 'abc', '1.2.3', '300.1.1.1', '1.2.3.4; DROP TABLE', 'unknown']) assert.equal(normalizeIp(bad), undefined, bad);
  });
});

describe('parseCidr', () => {
  it('accepts IPv4 and IPv6 CIDRs and bare addresses', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8'), { family: 'ipv4', address: '10.0.0.0', prefix: 8 });
    assert.deepEqual(parseCidr('203.0.113.7'), { family: 'ipv4', address: '203.0.113.7', prefix: 32 });
    assert.deepEqual(parseCidr('2001:DB8::/32'), { family: 'ipv6', address: '2001:db8::', prefix: 32 });
    assert.deepEqual(parseCidr('::1'), { family: 'ipv6', address: '::1', prefix: 128 });
    assert.deepEqual(parseCidr('::ffff:10.0.0.0/104'), { family: 'ipv4', address: '10.0.0.0', prefix: 8 });
  });
  it('rejects bad prefixes and addresses', () => {
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', 'example.com', '10.0.0/8', '/8']) {
      assert.equal(parseCidr(bad), undefined, bad);
    }
  });
});

describe('ipAllowed', () => {
  it('allowlist: only listed ranges pass, IPv4 and IPv6', () => {
    const rules = compileIpRules({ allowlist: ['10.0.0.0/8', '2001:db8:abcd::/48'] })!;
    assert.equal(ipAllowed(rules, '10.20.30.40'), true);
    assert.equal(ipAllowed(rules, '11.0.0.1'), false);
    assert.equal(ipAllowed(rules, '2001:db8:abcd:12::5'), true);
    assert.equal(ipAllowed(rules, '2001:db8:abce::5'), false);
    assert.equal(ipAllowed(rules, undefined), false, 'an unknown client fails an allowlist');
  });
  it('blocklist wins over allowlist; an unknown client passes a blocklist', () => {
    const rules = compileIpRules({ allowlist: ['10.0.0.0/8'], blocklist: ['10.66.0.0/16', 'fd00::/8'] })!;
    assert.equal(ipAllowed(rules, '10.1.1.1'), true);
    assert.equal(ipAllowed(rules, '10.66.1.1'), false);
    const blockOnly = compileIpRules({ blocklist: ['fd00::/8'] })!;
    assert.equal(ipAllowed(blockOnly, 'fd12::1'), false);
    assert.equal(ipAllowed(blockOnly, '2001:db8::1'), true);
    assert.equal(ipAllowed(blockOnly, undefined), true);
  });
  it('an IPv4 rule matches the IPv4 client however the socket spelled it', () => {
    const rules = compileIpRules({ allowlist: ['192.168.1.0/24'] })!;
    assert.equal(ipAllowed(rules, normalizeIp('::ffff:192.168.1.20')), true);
    const mappedRule = compileIpRules({ blocklist: ['::ffff:192.168.1.0/120'] })!;
    assert.equal(ipAllowed(mappedRule, '192.168.1.20'), false);
  });
  it('empty lists set no rule', () => {
    assert.equal(compileIpRules({ allowlist: [], blocklist: [] }), undefined);
    assert.equal(compileIpRules(undefined), undefined);
  });
});

describe('client IP resolution', () => {
  const resolve = createClientIpResolver(['10.0.0.0/8', 'fd00::/8']);

  it('without trusted proxies X-Forwarded-For is never read', () => {
    const none = createClientIpResolver([]);
    assert.equal(none('203.0.113.9', '1.1.1.1'), '203.0.113.9');
  });
  it('a spoofed X-Forwarded-For from an untrusted peer is ignored', () => {
    assert.equal(resolve('203.0.113.9', '10.1.1.1'), '203.0.113.9');
    assert.equal(resolve('203.0.113.9', ['192.0.2.1', '10.0.0.1']), '203.0.113.9');
  });
  it('behind trusted proxies the client is the rightmost untrusted hop', () => {
    // The client forged "6.6.6.6"; the edge proxy appended the real client 198.51.100.7.
    assert.equal(resolve('10.0.0.2', '6.6.6.6, 198.51.100.7, 10.0.0.1'), '198.51.100.7');
    assert.equal(resolve('::ffff:10.0.0.2', '198.51.100.7'), '198.51.100.7');
    assert.equal(resolve('fd00::2', '2001:db8::77, fd00::1'), '2001:db8::77');
    assert.equal(resolve('10.0.0.2', ['6.6.6.6', '198.51.100.7']), '198.51.100.7', 'repeated headers are one list');
  });
  it('handles ports, brackets and mapped addresses in entries', () => {
    assert.equal(resolve('10.0.0.2', '198.51.100.7:5555'), '198.51.100.7');
    assert.equal(resolve('10.0.0.2', '[2001:db8::9]:443'), '2001:db8::9');
    assert.equal(resolve('10.0.0.2', '::ffff:198.51.100.7'), '198.51.100.7');
  });
  it('stops at garbage and uses the last hop that vouched for it', () => {
    assert.equal(resolve('10.0.0.2', '198.51.100.7, not-an-ip, 10.0.0.1'), '10.0.0.1');
    assert.equal(resolve('10.0.0.2', ''), '10.0.0.2');
  });
  it('an all-trusted chain resolves to its leftmost hop; no header means the peer', () => {
    assert.equal(resolve('10.0.0.2', '10.9.9.9, 10.0.0.1'), '10.9.9.9');
    assert.equal(resolve('10.0.0.2', undefined), '10.0.0.2');
    assert.equal(resolve(undefined, '1.2.3.4'), undefined);
  });
  it('refuses a bad TRUSTED_PROXY_CIDRS entry at start', () => {
    assert.throws(() => createClientIpResolver(['10.0.0.0/99']), /not an IPv4 or IPv6/);
  });
});
