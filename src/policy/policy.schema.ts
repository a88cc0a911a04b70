import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';
import { parseCidr } from './ip-rules.ts';

/**
 * The `policies` object of an organisation, team, key or model (product.md, "Policies").
 * Every field is optional and an absent field sets no limit. Objects are strict so that a typo
 * (`per_minutes`) is a 400 naming the field instead of a limit silently not enforced.
 */
const count = (max: number) => z.number().int('must be an integer').min(1, 'must be at least 1').max(max, `must be at most ${max}`);

const cidr = z.string().max(64).refine((s) => parseCidr(s) !== undefined, 'must be an IPv4 or IPv6 address or CIDR');
const cidrList = z.array(cidr).max(1000, 'at most 1000 entries');

export const PoliciesSchema = z.strictObject({
  ip: z.strictObject({
    allowlist: cidrList.optional(),
    blocklist: cidrList.optional(),
  }).optional(),
  ratelimit: z.strictObject({
    requests: z.strictObject({
      per_second: count(1_000_000).optional(),
      per_minute: count(1_000_000_000).optional(),
      burst: count(1_000_000).optional(),
    }).optional(),
    tokens: z.strictObject({
      per_minute: count(Number.MAX_SAFE_INTEGER).optional(),
    }).optional(),
    concurrency: z.strictObject({
      max: count(1_000_000).optional(),
      lease_ttl_seconds: count(86_400).optional(),
    }).optional(),
    payload: z.strictObject({
      max_request_bytes: count(2 ** 31).optional(),
      max_tokens: count(100_000_000).optional(),
    }).optional(),
  }).optional(),
});

export type Policies = z.infer<typeof PoliciesSchema>;

export interface PolicyIssue {
  field: string;
  message: string;
}

/** Validates without throwing; `field` is a dotted path under `prefix`. */
export function checkPolicies(input: unknown, prefix = 'policies'): { ok: true; value: Policies } | { ok: false; issue: PolicyIssue } {
  const r = PoliciesSchema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const path = [prefix, ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys') {
    const field = [...path, issue.keys[0]].join('.');
    return { ok: false, issue: { field, message: `Unknown field: ${field}` } };
  }
  const field = path.join('.');
  return { ok: false, issue: { field, message: `${field}: ${issue.message}` } };
}

/**
 * For the admin API's PATCH bodies: returns the validated policies or throws a 400
 * `invalid_request` whose `field` names the offending path, e.g. `policies.ratelimit.requests.per_minute`.
 */
export function parsePolicies(input: unknown, prefix = 'policies'): Policies {
  const r = checkPolicies(input, prefix);
  if (r.ok) return r.value;
  throw new GatewayError('invalid_request', r.issue.message, { field: r.issue.field });
}
