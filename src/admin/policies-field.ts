import { z } from 'zod';

// Placeholder until the policy engine's strict schema lands (src/policy/policy.schema.ts).
export const policiesField = z.record(z.string(), z.unknown());
