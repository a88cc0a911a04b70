import { randomBytes } from 'node:crypto';

// Ids and timestamps the gateway has to invent (Anthropic has no `created`, Gemini calls have no
// ids). Tests swap both for deterministic ones to assert exact wire output.
let clock: () => number = () => Math.floor(Date.now() / 1000);
let idSource: (prefix: string) => string = (prefix) => prefix + randomBytes(12).toString('base64url');

/** Unix seconds. */
export function nowSeconds(): number {
  return clock();
}

export function newId(prefix: string): string {
  return idSource(prefix);
}

/** Test hook: fixed clock and counter ids. Returns a function restoring the real ones. */
export function useDeterministicIds(seconds = 1_700_000_000): () => void {
  const prevClock = clock;
  const prevIds = idSource;
  let n = 0;
  clock = () => seconds;
  idSource = (prefix) => `${prefix}gen${++n}`;
  return () => {
    clock = prevClock;
    idSource = prevIds;
  };
}
