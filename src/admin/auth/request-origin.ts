import type { FastifyRequest } from 'fastify';
import { BlockList, isIP } from 'node:net';
import { GatewayError } from '../../errors/index.ts';
import { normalizeIp } from '../../policy/index.ts';
import { toBlockList } from '../../policy/ip-rules.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the admin plugin: the browser reached us over TLS, so cookies get `Secure`. */
    overTls?: boolean;
  }
}

/** Whether the socket peer is one of TRUSTED_PROXY_CIDRS: only then are X-Forwarded-* headers believed. */
export function createTrustedPeer(cidrs: readonly string[]): (req: FastifyRequest) => boolean {
  const list: BlockList | undefined = cidrs.length > 0 ? toBlockList(cidrs) : undefined;
  return (req) => {
    const peer = req.socket.remoteAddress ? normalizeIp(req.socket.remoteAddress) : undefined;
    return !!list && !!peer && list.check(peer, isIP(peer) === 4 ? 'ipv4' : 'ipv6');
  };
}

const lastHeaderValue = (v: string | string[] | undefined): string | undefined => {
  const text = Array.isArray(v) ? v.join(',') : v;
  return text?.split(',').pop()?.trim().toLowerCase() || undefined;
};

/**
 * True when the browser reached us over TLS: directly, or through a trusted proxy that says so
 * (its own X-Forwarded-Proto entry, the last one, since earlier entries are the client's word).
 */
export function isTls(req: FastifyRequest, trustedPeer: (req: FastifyRequest) => boolean): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  return trustedPeer(req) && lastHeaderValue(req.headers['x-forwarded-proto']) === 'https';
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cross-site request forgery: a form or `fetch(..., {mode: 'no-cors'})` from another site of the
 * same registrable domain carries the SameSite=Lax cookie, but can send neither
 * `Content-Type: application/json` nor a same-origin `Origin`. A mutation that rides on the
 * session cookie must show one of the two. Bearer-token calls carry no ambient credential.
 */
export function assertNotForged(req: FastifyRequest, trustedPeer: (req: FastifyRequest) => boolean): void {
  if (!MUTATING.has(req.method)) return;
  if (typeof req.headers.authorization === 'string' && /^Bearer\s/i.test(req.headers.authorization)) return;
  if (!req.cookies?.[SESSION_COOKIE]) return;
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') return;
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      originHost = undefined;
    }
    const hosts = [req.headers.host?.toLowerCase()];
    if (trustedPeer(req)) hosts.push(lastHeaderValue(req.headers['x-forwarded-host']));
    if (originHost && hosts.includes(originHost)) return;
  }
  throw new GatewayError('forbidden', 'Cross-site request refused: send Content-Type: application/json or a same-origin Origin header');
}
