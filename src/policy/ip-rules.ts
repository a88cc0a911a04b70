import { BlockList, isIP } from 'node:net';

/** A parsed CIDR (a bare address is a /32 or /128). IPv4-mapped IPv6 ranges become IPv4. */
export interface Cidr {
  family: 'ipv4' | 'ipv6';
  address: string;
  prefix: number;
}

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * `::ffff:10.1.2.3` is how a dual-stack socket reports an IPv4 client; rules written in IPv4 must
 * match it, and a log or error should show the IPv4 form. Zone ids (`fe80::1%eth0`) are dropped.
 */
export function normalizeIp(raw: string): string | undefined {
  let ip = raw.trim();
  const zone = ip.indexOf('%');
  if (zone !== -1) ip = ip.slice(0, zone);
  const v = isIP(ip);
  if (v === 4) return ip;
  if (v !== 6) return undefined;
  const m = MAPPED_V4.exec(ip);
  if (m && isIP(m[1]) === 4) return m[1];
  return ip.toLowerCase();
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const addrPart = slash === -1 ? text.trim() : text.slice(0, slash).trim();
  const family = isIP(addrPart);
  if (family === 0) return undefined;
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const p = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  if (family === 6) {
    const m = MAPPED_V4.exec(addrPart);
    // ::ffff:a.b.c.d/104 is the IPv4 range a.b.c.d/8; shorter prefixes span beyond the mapped block.
    if (m && prefix >= 96) return { family: 'ipv4', address: m[1], prefix: prefix - 96 };
    return { family: 'ipv6', address: addrPart.toLowerCase(), prefix };
  }
  return { family: 'ipv4', address: addrPart, prefix };
}

export function toBlockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const text of cidrs) {
    const c = parseCidr(text);
    if (!c) throw new Error(`not an IPv4 or IPv6 address or CIDR: ${JSON.stringify(text)}`);
    list.addSubnet(c.address, c.prefix, c.family);
  }
  return list;
}

function familyOf(ip: string): 'ipv4' | 'ipv6' {
  return isIP(ip) === 4 ? 'ipv4' : 'ipv6';
}

/** One scope's compiled IP rules. An empty allowlist means "no allowlist", not "nobody". */
export interface IpRules {
  readonly allow?: BlockList;
  readonly block?: BlockList;
}

export function compileIpRules(ip: { allowlist?: readonly string[]; blocklist?: readonly string[] } | undefined): IpRules | undefined {
  if (!ip) return undefined;
  const allow = ip.allowlist && ip.allowlist.length > 0 ? toBlockList(ip.allowlist) : undefined;
  const block = ip.blocklist && ip.blocklist.length > 0 ? toBlockList(ip.blocklist) : undefined;
  return allow || block ? { allow, block } : undefined;
}

/**
 * True when the (normalised) client IP may pass. An unknown client IP fails an allowlist
 * (fail closed) but passes a blocklist, since there is nothing to match.
 */
export function ipAllowed(rules: IpRules, clientIp: string | undefined): boolean {
  if (!clientIp) return !rules.allow;
  const fam = familyOf(clientIp);
  if (rules.block && rules.block.check(clientIp, fam)) return false;
  if (rules.allow && !rules.allow.check(clientIp, fam)) return false;
  return true;
}

/** Strips a port or brackets that some proxies put into X-Forwarded-For entries. */
function xffEntry(raw: string): string | undefined {
  let s = raw.trim();
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    s = end === -1 ? s : s.slice(1, end);
  } else if (s.indexOf(':') !== -1 && s.indexOf(':') === s.lastIndexOf(':')) {
    s = s.slice(0, s.indexOf(':')); // a.b.c.d:port
  }
  return normalizeIp(s);
}

export type ClientIpResolver = (peer: string | undefined, xff: string | readonly string[] | undefined) => string | undefined;

/**
 * Builds the client-IP function from TRUSTED_PROXY_CIDRS. X-Forwarded-For is read only when the
 * socket peer is a trusted proxy, and then from the right: each trusted hop is skipped, and the
 * first untrusted address is the client. Everything left of it was written by the client itself
 * and could be spoofed. An unparsable entry stops the walk at the last hop that vouched for it.
 */
export function createClientIpResolver(trustedProxyCidrs: readonly string[]): ClientIpResolver {
  const trusted = trustedProxyCidrs.length > 0 ? toBlockList(trustedProxyCidrs) : undefined;
  const isTrusted = (ip: string) => trusted !== undefined && trusted.check(ip, familyOf(ip));
  return function resolveClientIp(peer, xff) {
    const peerIp = peer ? normalizeIp(peer) : undefined;
    if (!peerIp || !trusted || !xff || !isTrusted(peerIp)) return peerIp;
    const hops = (typeof xff === 'string' ? xff : xff.join(',')).split(',');
    let last = peerIp;
    for (let i = hops.length - 1; i >= 0; i--) {
      const ip = xffEntry(hops[i]);
      if (!ip) return last;
      if (!isTrusted(ip)) return ip;
      last = ip;
    }
    return last;
  };
}
