import type { InvalidationEvent } from '../../cache/invalidation-bus.ts';
import { Vault, generateMasterKeyText, parseMasterKey } from '../../crypto/envelope.ts';
import type { Invalidate } from './service-deps.ts';

/** A vault with a fresh master key, as a deployment has one. */
export const testVault = () => new Vault(parseMasterKey(generateMasterKeyText()));

/** Records what a service asked to invalidate, so a test can check the caches would be dropped. */
export function recordInvalidations(): { invalidate: Invalidate; events: InvalidationEvent[] } {
  const events: InvalidationEvent[] = [];
  return { events, invalidate: async (e) => { events.push(e); } };
}

/** Runs `fn` and returns the GatewayError code (and field) it threw. */
export async function refusal(fn: () => Promise<unknown>): Promise<{ code: string; field?: string; message: string }> {
  try {
    await fn();
  } catch (e) {
    const err = e as { code?: string; message: string; extra?: { field?: string } };
    return { code: err.code ?? 'not a GatewayError', field: err.extra?.field, message: err.message };
  }
  throw new Error('expected a refusal, but the call succeeded');
}
