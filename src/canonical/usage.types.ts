/**
 * Token counts in OpenAI's convention, whatever the provider: inputTokens is the whole prompt
 * (cached tokens included), outputTokens the whole completion (reasoning included);
 * cachedTokens ⊂ inputTokens and reasoningTokens ⊂ outputTokens.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

/** A model's prices in USD per million tokens (stored on the model; usage/pricing.ts applies them). */
export interface Pricing {
  inputPerMTok?: number;
  outputPerMTok?: number;
  cachedInputPerMTok?: number;
}
