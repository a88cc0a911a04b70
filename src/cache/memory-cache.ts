/**
 * A bounded in-process TTL cache (the L1 tier). Insertion order in a Map gives cheap LRU-ish
 * eviction: a hit re-inserts the entry, a full cache drops the oldest.
 */
export class MemoryCache<V> {
  private readonly map = new Map<string, { v: V; until: number }>();
  constructor(private readonly maxEntries = 50_000) {}

  get(key: string, now = Date.now()): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.until <= now) {
      this.map.delete(key);
      return undefined;
    }
    return e.v;
  }

  set(key: string, v: V, ttlMs: number, now = Date.now()): void {
    if (ttlMs <= 0) return;
    if (this.map.size >= this.maxEntries && !this.map.has(key)) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    this.map.set(key, { v, until: now + ttlMs });
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
