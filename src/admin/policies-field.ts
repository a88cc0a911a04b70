import { z } from 'zod';
import { checkPolicies, type Policies } from '../policy/index.ts';

/** A `policies` body field, validated by the policy engine's strict schema (400 names the path). */
export const policiesField = z.unknown().transform((v, ctx): Policies => {
  const r = checkPolicies(v, '');
  if (!r.ok) {
    const path = r.issue.field.split('.').filter(Boolean);
    const message = r.issue.message.startsWith('Unknown field') ? 'unknown field' : r.issue.message.slice(r.issue.message.indexOf(': ') + 2);
    ctx.addIssue({ code: 'custom', message, path });
    return z.NEVER;
  }
  return r.value;
});
