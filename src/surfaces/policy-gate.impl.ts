import type { AppDeps } from '../context.ts';
import type { PolicyGate } from './policy-gate.ts';

/** Builds the policy step from the policy engine (src/policy); none until it is wired. */
export async function createPolicyGate(_deps: AppDeps): Promise<PolicyGate | undefined> {
  return undefined;
}
