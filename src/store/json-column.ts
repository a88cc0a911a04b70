/**
 * JSON text columns (policies, pricing, config, tool lists) are read leniently: a value that
 * does not parse reads as the fallback rather than failing the whole row.
 */
export const json = {
  parse<T>(text: string | null | undefined, fallback: T): T {
    if (!text) return fallback;
    try {
      return JSON.parse(text) as T;
    } catch {
      return fallback;
    }
  },
};
