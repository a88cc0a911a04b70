import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { GatewayError } from '../errors/index.ts';

// Link-local (incl. the 169.254.169.254 cloud metadata address) and other never-legitimate
// targets: always refused, whatever ODOCK_ALLOW_PRIVATE_UPSTREAMS says.
const ALWAYS_BLOCKED = new BlockList();
ALWAYS_BLOCKED.addSubnet('169.254.0.0', 16, 'ipv4');
ALWAYS_BLOCKED.addSubnet('0.0.0.0', 8, 'ipv4');
ALWAYS_BLOCKED.addSubnet('100.100.100.200', 32, 'ipv4'); // Alibaba metadata
ALWAYS_BLOCKED.addSubnet('224.0.0.0', 4, 'ipv4');
ALWAYS_BLOCKED.addSubnet('240.0.0.0', 4, 'ipv4');
ALWAYS_BLOCKED.addSubnet('fe80::', 10, 'ipv6');
ALWAYS_BLOCKED.addSubnet('fd00:ec2::', 32, 'ipv6'); // AWS IMDS over IPv6
ALWAYS_BLOCKED.addSubnet('ff00::', 8, 'ipv6');
ALWAYS_BLOCKED.addAddress('::', 'ipv6');

// Loopback and private networks: allowed only with ODOCK_ALLOW_PRIVATE_UPSTREAMS=true.
const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.com', 'instance-data']);

function normalise(ip: string): { ip: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return { ip: mapped[1], family: 'ipv4' };
  return { ip, family: isIP(ip) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why an address may not be an upstream, or null when it may. */
export function addressRefusal(ip: string, allowPrivate: boolean): string | null {
  const n = normalise(ip);
  if (ALWAYS_BLOCKED.check(n.ip, n.family)) return 'link-local, metadata and reserved addresses are never allowed';
  if (!allowPrivate && PRIVATE.check(n.ip, n.family)) return 'loopback and private addresses need ODOCK_ALLOW_PRIVATE_UPSTREAMS=true';
  return null;
}

/** Checks a configured base URL (admin time). Hostnames are checked again on every connection. */
export function assertSafeBaseUrl(raw: string, allowPrivate: boolean, field: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GatewayError('invalid_request', `${field} is not a valid URL`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new GatewayError('invalid_request', `${field} must use http or https`, { field });
  // URLs are stored and shown in clear: credentials belong in the encrypted key or auth secret.
  if (url.username !== '' || url.password !== '') {
    throw new GatewayError('invalid_request', `${field} must not contain credentials (user:password@); store them as the encrypted key or auth secret`, { field });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (METADATA_HOSTS.has(host)) throw new GatewayError('invalid_request', `${field}: metadata hosts are never allowed`, { field });
  if (isIP(host)) {
    const why = addressRefusal(host, allowPrivate);
    if (why) throw new GatewayError('invalid_request', `${field}: ${why}`, { field });
  } else if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) {
    throw new GatewayError('invalid_request', `${field}: loopback and private addresses need ODOCK_ALLOW_PRIVATE_UPSTREAMS=true`, { field });
  }
  return url.toString().replace(/\/+$/, '');
}

type LookupCb = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A dns.lookup replacement for undici's connector: every resolved address is checked at connect
 * time, so a hostname that later resolves to a metadata or private address (DNS rebinding) is refused.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: object, cb: LookupCb) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return cb(err, []);
      const list = addresses as LookupAddress[];
      for (const a of list) {
        if (addressRefusal(a.address, allowPrivate)) {
          const e = new Error('upstream address refused by SSRF guard') as NodeJS.ErrnoException;
          e.code = 'ESSRF';
          return cb(e, []);
        }
      }
      if ((options as { all?: boolean }).all) cb(null, list);
      else cb(null, list[0].address, list[0].family);
    });
  };
}
