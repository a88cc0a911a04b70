import { PoliciesSchema } from '../../policy/index.ts';

/**
 * A `policies` body field: the policy engine's strict schema. parseBody names the offending path
 * (e.g. `policies.ratelimit.requests.per_minute`), and the OpenAPI document shows its shape.
 */
export const policiesField = PoliciesSchema;
