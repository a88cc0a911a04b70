import { GatewayError } from '../errors/index.ts';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
const WITH_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in ms (local − UTC). */
export function offsetAt(ts: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ts));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(ts / 1000) * 1000;
}

/**
 * Reads an expiry: a local date-time interpreted in `timezone` (as the console sends it), or an
 * instant with an explicit offset. Returns the UTC instant and the local form to show back.
 */
export function parseExpiry(input: string, timezone: string, field = 'expiry'): { utc: string; local: string } {
  if (!isValidTimezone(timezone)) throw new GatewayError('invalid_request', `timezone '${timezone}' is not an IANA time zone`, { field: 'timezone' });
  const text = input.trim();
  if (WITH_OFFSET.test(text)) {
    const t = Date.parse(text);
    if (Number.isNaN(t)) throw new GatewayError('invalid_request', `${field} is not a valid ISO 8601 date-time`, { field });
    return { utc: new Date(t).toISOString(), local: toLocal(t, timezone) };
  }
  const m = LOCAL.exec(text);
  if (!m) throw new GatewayError('invalid_request', `${field} must be an ISO 8601 date-time such as 2027-01-31T18:00`, { field });
  const [y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = m.slice(1);
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, +ms.padEnd(3, '0'));
  const check = new Date(wall);
  if (check.getUTCFullYear() !== +y || check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) {
    throw new GatewayError('invalid_request', `${field} is not a valid calendar date-time`, { field });
  }
  // Near a DST transition the wall time may exist twice (fall back) or not at all (spring
  // forward). As RFC 5545 §3.3.5 reads it, both use the offset from before the transition: the
  // first occurrence, or a gap time pushed forward (02:30 → 03:30), whatever side of UTC.
  const before = wall - offsetAt(wall - 86_400_000, timezone);
  const after = wall - offsetAt(wall + 86_400_000, timezone);
  const exists = (t: number) => t + offsetAt(t, timezone) === wall;
  const t = exists(before) || !exists(after) ? before : after;
  return { utc: new Date(t).toISOString(), local: toLocal(t, timezone) };
}

function toLocal(ts: number, tz: string): string {
  const off = offsetAt(ts, tz);
  return new Date(ts + off).toISOString().slice(0, 19);
}

/** A new expiry must lie in the future. */
export function requireFuture(utc: string, now = Date.now()): void {
  if (Date.parse(utc) <= now) throw new GatewayError('invalid_request', 'expiry must be in the future', { field: 'expiry' });
}
