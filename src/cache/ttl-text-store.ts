import { MemoryCache } from './memory-cache.ts';

/**
 * Texts with a time to live, set and read in batches: the shape of the few Redis calls a store
 * makes (SET … PX, MGET), for a state that must be shared by cluster workers in embedded mode.
 * The primary hosts one (src/cluster), the workers reach it through the primary RPC.
 */
export class TtlTextStore {
  private readonly cache: MemoryCache<string>;

  constructor(maxEntries = 50_000) {
    this.cache = new MemoryCache<string>(maxEntries);
  }

  set(entries: ReadonlyArray<readonly [key: string, text: string]>, ttlMs: number): void {
    for (const [k, text] of entries) this.cache.set(k, text, ttlMs);
  }

  mget(keys: readonly string[]): Array<string | null> {
    return keys.map((k) => this.cache.get(k) ?? null);
  }
}

/** TtlTextStore as a worker sees it. */
export interface SharedTextStore {
  set(entries: ReadonlyArray<readonly [key: string, text: string]>, ttlMs: number): Promise<void>;
  mget(keys: readonly string[]): Promise<Array<string | null>>;
}
