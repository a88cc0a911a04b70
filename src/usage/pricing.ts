import type { Pricing, Usage } from '../canonical/usage.types.ts';

/**
 * Cost in integer nano-USD. Prices are USD per million tokens, so one token at P $/MTok costs
 * P * 1000 nano-USD. Cached input tokens are part of the input count and billed at the cached
 * rate when the model has one.
 */
export function costNanoUsd(p: Pricing, u: Usage): number {
  const input = p.inputPerMTok ?? 0;
  const cached = p.cachedInputPerMTok ?? input;
  const output = p.outputPerMTok ?? 0;
  const cachedTokens = Math.min(u.cachedTokens, u.inputTokens);
  const nano = (u.inputTokens - cachedTokens) * input * 1000 + cachedTokens * cached * 1000 + u.outputTokens * output * 1000;
  return Math.round(nano);
}
