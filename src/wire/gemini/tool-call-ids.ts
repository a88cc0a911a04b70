/**
 * Gemini function calls have no ids on the Gemini API, and Gemini 3 requires the call's opaque
 * `thoughtSignature` to come back with it on the next turn. Clients of other surfaces only keep a
 * tool-call id, so the signature rides inside that id (base64url after a marker) and is restored
 * when the conversation returns to Gemini.
 */
const MARK = '__ts_';

export function geminiCallId(base: string, signature?: string): string {
  return signature ? `${base}${MARK}${Buffer.from(signature, 'base64').toString('base64url')}` : base;
}

export function splitGeminiCallId(id: string): { id: string; signature?: string } {
  const i = id.indexOf(MARK);
  if (i < 0) return { id };
  return { id: id.slice(0, i), signature: Buffer.from(id.slice(i + MARK.length), 'base64url').toString('base64') };
}

/** Documented sentinel for Gemini 3 function calls replayed without a signature (history from another model). */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator';
