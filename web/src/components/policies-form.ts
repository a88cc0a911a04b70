// The policies object (product.md, "Policies") as flat form fields and back: an empty field is an
// absent limit, and groups left empty are dropped so the stored object stays minimal.
import type { Policies } from '../api/types.ts';

export const LIMIT_FIELDS = [
  { path: 'ratelimit.requests.per_second', label: 'Requests per second', group: 'Request rate' },
  { path: 'ratelimit.requests.per_minute', label: 'Requests per minute', group: 'Request rate' },
  { path: 'ratelimit.requests.burst', label: 'Burst', group: 'Request rate', description: 'Requests allowed at once above the per-second rate.' },
  { path: 'ratelimit.tokens.per_minute', label: 'Tokens per minute', group: 'Token rate', description: 'Reserved from an estimate before the call, settled after it.' },
  { path: 'ratelimit.concurrency.max', label: 'Max in flight', group: 'Concurrency' },
  { path: 'ratelimit.concurrency.lease_ttl_seconds', label: 'Lease TTL (seconds)', group: 'Concurrency', description: 'How long a slot is held if a call never reports back.' },
  { path: 'ratelimit.payload.max_request_bytes', label: 'Max request bytes', group: 'Payload' },
  { path: 'ratelimit.payload.max_tokens', label: 'Max output tokens (max_tokens)', group: 'Payload' },
] as const;

export type LimitPath = (typeof LIMIT_FIELDS)[number]['path'];
export interface PolicyFormValues { allowlist: string[]; blocklist: string[]; limits: Record<LimitPath, number | ''> }

function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

export function toForm(p: Policies | null | undefined): PolicyFormValues {
  const limits = {} as PolicyFormValues['limits'];
  for (const f of LIMIT_FIELDS) {
    const v = get(p, f.path);
    limits[f.path] = typeof v === 'number' ? v : '';
  }
  return { allowlist: p?.ip?.allowlist ?? [], blocklist: p?.ip?.blocklist ?? [], limits };
}

export function fromForm(v: PolicyFormValues): Policies {
  const out: Record<string, unknown> = {};
  if (v.allowlist.length || v.blocklist.length) {
    out.ip = { ...(v.allowlist.length ? { allowlist: v.allowlist } : {}), ...(v.blocklist.length ? { blocklist: v.blocklist } : {}) };
  }
  for (const f of LIMIT_FIELDS) {
    const n = v.limits[f.path];
    if (n === '') continue;
    const keys = f.path.split('.');
    let o = out;
    for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
    o[keys[keys.length - 1]] = n;
  }
  return out as Policies;
}

/** `policies.ratelimit.requests.per_minute` (the API's field) → the form field it names, if any. */
export function formFieldOf(apiField: string | undefined): LimitPath | 'allowlist' | 'blocklist' | undefined {
  if (!apiField) return undefined;
  const path = apiField.replace(/^policies\./, '');
  if (path.startsWith('ip.allowlist')) return 'allowlist';
  if (path.startsWith('ip.blocklist')) return 'blocklist';
  return LIMIT_FIELDS.find((f) => path === f.path)?.path;
}
